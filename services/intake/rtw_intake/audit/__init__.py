"""The audit log: an append-only, hash-chained record of every request to a case endpoint."""
