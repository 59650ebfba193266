"""Test helpers for the web UI. `web.testing.browser` is a pytest plugin (registered in the root
conftest.py) giving every app's tests a live ASGI server and headless Chromium; see docs/browser-tests.md."""
