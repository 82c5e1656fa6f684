"""Links from mentorgraph to other datasets: ROR records read and reconciled, mappings written as SSSOM.

- `ror`: stream ROR records (schema v1 and v2, JSON / JSON Lines) into one small record type.
- `reconcile`: match the graph's organizations to ROR records by name, ranked by context.
- `sssom`: write proposed mappings as SSSOM TSV or Turtle; accept confident ones into data/.
- `rdf`: turn ROR records into a named graph beside the built graph, for cross-dataset queries.
- `commands`: `mentorgraph link ror` and `mentorgraph link load-ror`.
"""
