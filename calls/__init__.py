"""Calls for service: the one call model every dialect writes (000, 001's 911 calls, 002's
new_dispatch, 004's /fivem/calls and panic), its narrative, the units on it and its expiry."""
