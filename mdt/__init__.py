"""The officer's Mobile Data Terminal page (/mdt): my unit, my call, lookups with full records, and the
records an officer writes from a person card. A face over the domain apps' services and selectors; it owns
no rows."""
