"""Announcements on the dispatch dashboard: priority, expiry, and the events that keep screens in sync."""
