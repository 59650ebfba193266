// Server-rendered panels that re-render themselves from their own `hx-get` when something changed.
//
//   <section id="call-panel" hx-get="/mdt/call" hx-trigger="refresh" hx-swap="outerHTML" hx-sync="this:replace">
//   import { refreshPanel } from "../../web/js/panels.js";
//   refreshPanel("call-panel");
//
// htmx.ajax rather than triggering `refresh` on the element: htmx wires a swapped-in element's triggers
// only once it has settled (a timer after the swap), so an event triggered in between is silently lost
// and the panel stays stale. `hx-sync="this:replace"` makes the newest request win over one in flight,
// so a slow response rendered before the latest change never lands after it. (`hx-trigger="refresh"`
// stays so htmx does not give the section its default trigger, a click.)

export function refreshPanel(target) {
  const panel = typeof target === "string" ? document.getElementById(target) : target;
  if (!panel) return;
  htmx.ajax("GET", panel.getAttribute("hx-get"), {
    source: panel, target: panel, swap: panel.getAttribute("hx-swap") || "outerHTML",
  }).catch(() => {
    // a request replaced by a newer one (hx-sync) is rejected: the newer one renders
  });
}
