"""The web UI's shell: sign-in, navigation, the community switcher, role-checked pages, the shared
WebSocket client and alert sounds (static/web/js), and the browser-test harness (web.testing).

Pages of other apps (dispatch board, MDT, characters...) extend `web/base.html` and guard their views
with `web.access.page` so every page checks roles the same way the API does."""
