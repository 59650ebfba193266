// Keyboard shortcuts shared by every page, and the `?` list of them.
//
//   import { shortcut } from "/static/web/js/keys.js";
//   shortcut("n", "New call", () => openNewCall());
//
// Shortcuts do not fire while the user types in a field (Escape still does). `?` opens a dialog
// listing every registered shortcut. A shortcut that clicks a button clicks it with `press(button)`.

const registry = [];

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function shortcut(key, description, handler, { inFields = false } = {}) {
  registry.push({ key, description, handler, inFields });
}

/**
 * Clicks `element` as a person would, once htmx has bound it. htmx binds what it swaps in only after
 * the swap settles, so a key pressed in between would click a button of a form htmx does not know yet:
 * the browser submits it natively and navigates to the bare fragment the action answers. Processing the
 * element's form (or the element) first closes that window; htmx skips what it has already bound.
 * The server's side of the same race: web/fragments.py.
 */
export function press(element) {
  if (!element) return false;
  if (window.htmx) window.htmx.process(element.form || element.closest("form") || element);
  element.click();
  return true;
}

export function shortcuts() {
  return registry.map(({ key, description }) => ({ key, description }));
}

function describeKey(key) {
  return { " ": "Space", Escape: "Esc" }[key] || key;
}

function helpDialog() {
  let dialog = document.getElementById("shortcuts-dialog");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "shortcuts-dialog";
    dialog.className = "dialog";
    dialog.setAttribute("aria-labelledby", "shortcuts-title");
    document.body.append(dialog);
  }
  dialog.replaceChildren();
  const title = document.createElement("h2");
  title.id = "shortcuts-title";
  title.textContent = "Keyboard shortcuts";
  const list = document.createElement("dl");
  list.className = "shortcut-list";
  for (const { key, description } of [{ key: "?", description: "Show this list" }, ...registry]) {
    const term = document.createElement("dt");
    const kbd = document.createElement("kbd");
    kbd.textContent = describeKey(key);
    term.append(kbd);
    const detail = document.createElement("dd");
    detail.textContent = description;
    list.append(term, detail);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  close.addEventListener("click", () => dialog.close());
  dialog.append(title, list, close);
  return dialog;
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "?" && !typing(event.target)) {
    event.preventDefault();
    helpDialog().showModal();
    return;
  }
  for (const entry of registry) {
    if (entry.key !== event.key) continue;
    if (typing(event.target) && !entry.inFields && event.key !== "Escape") continue;
    event.preventDefault();
    entry.handler(event);
    return;
  }
});
