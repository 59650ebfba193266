"""The embedded default's database backend: Django's SQLite backend that keeps a process's closed
connections for its next requests (see `base.DatabaseWrapper`)."""
