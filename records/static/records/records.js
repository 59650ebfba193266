// Records: the review queue and an author's own reports stay live; a report prints from its page.
import { connectLive } from "../web/js/live.js";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

function refresh(id) {
  const panel = document.getElementById(id);
  if (panel) htmx.trigger(panel, "refresh");
}

const REPORT_EVENTS = new Set(["report-created", "report-reviewed", "report-resubmitted", "report-archived"]);

if (document.getElementById("review-queue") || document.getElementById("my-reports")) {
  connectLive({
    onEvent(name) {
      if (REPORT_EVENTS.has(name)) {
        refresh("review-queue");
        refresh("my-reports");
      }
    },
    onResync() {
      refresh("review-queue");
      refresh("my-reports");
    },
  });
}
