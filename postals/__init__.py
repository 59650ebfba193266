"""A community's postal table and the nearest-postal lookup: positions, calls and panics that arrive with
coordinates but no postal get the nearest code. Imports no other domain app, so dispatch, calls and maps
can all read it."""
