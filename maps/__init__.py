"""The map of the game world as the CAD knows it: a community's postal table and the nearest-postal index
(positions, calls and panics that carry coordinates but no postal get the nearest code). Map tiles and
the GTA-coordinate ↔ map transform may live here too."""
