// Records: the lists, the review queue and an author's own reports stay live; every record prints from its page.
import { connectLive } from "../web/js/live.js";
import { refreshPanel } from "../web/js/panels.js";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

const REPORT_EVENTS = new Set(["report-created", "report-reviewed", "report-resubmitted", "report-archived"]);
// Which events change which tab of the main list (records/events.py's catalogue).
const LIST_EVENTS = {
  reports: REPORT_EVENTS,
  arrests: new Set(["arrest-created", "arrest-archived"]),
  citations: new Set(["citation-created", "citation-updated", "citation-archived"]),
  warrants: new Set(["warrant-created", "warrant-updated", "warrant-archived"]),
};

function listTab() {
  const list = document.getElementById("records-list");
  return list ? list.dataset.tab : "";
}

function refreshAll() {
  refreshPanel("review-queue");
  refreshPanel("my-reports");
  refreshPanel("records-list");
}

if (document.getElementById("review-queue") || document.getElementById("my-reports")
    || document.getElementById("records-list")) {
  connectLive({
    onEvent(name) {
      if (REPORT_EVENTS.has(name)) {
        refreshPanel("review-queue");
        refreshPanel("my-reports");
      }
      const tab = listTab();
      if (tab && LIST_EVENTS[tab] && LIST_EVENTS[tab].has(name)) refreshPanel("records-list");
    },
    onResync: refreshAll,
  });
}
