"""Each worker's short-lived memory of store lookups and rendered answers (see each module for
how long an entry may be out of date, and why that is acceptable)."""
