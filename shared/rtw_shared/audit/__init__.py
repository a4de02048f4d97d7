"""The audit log every service keeps: one append-only, hash-chained row per authenticated request
to its API (who, role, organisation, what, which cases, when, outcome). See docs/audit.md."""
