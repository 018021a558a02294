"""Storage: configuration (which backend), the SQLite and PostgreSQL event recorders with
their hash chain, backup, restore and copies between stores, and the user projections'
registry."""
