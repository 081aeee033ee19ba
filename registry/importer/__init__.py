"""The import pipeline: read → find the header → map columns → normalise → validate every row →
report → apply in one transaction. `reading`, `headers` and `normalise` serve any ledger or
roster; `households` is the household ledger (台账)."""
