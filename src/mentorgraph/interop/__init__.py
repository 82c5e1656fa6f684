"""Interoperability with academic medicine's own systems (issue 18).

  activity_codes  the NIH activity codes of data/nih-activity-codes.yaml as a SKOS vocabulary (load stage)
  alignments      ontology/alignments.sssom.tsv as SKOS mappings in the graph `alignments` (load stage)
  vivo            `mentorgraph export vivo`: programs, organizations and their links in VIVO-ISF terms
  tables          `mentorgraph export tables`: tidy CSV files and a frictionless datapackage.json

The exports read a build's N-Quads (every named graph) into an in-memory pyoxigraph store and ask it
SPARQL queries kept beside the code (vivo-profile.rq in ontology/, tables/*.rq here), so the same
functions serve `mentorgraph export` (from the current generation) and `mentorgraph release`.
"""
