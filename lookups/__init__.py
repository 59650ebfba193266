"""The MDT lookup: smart search with type detection across characters, vehicles and records, the
caller's recent searches, and the full civilian / vehicle / history cards."""
