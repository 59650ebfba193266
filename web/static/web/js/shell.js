// Loaded by every page: behaviour of the shell itself (no inline script anywhere: CSP).
import "./keys.js";

for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
