"""The query layer: the Python API (api), the engines behind it, the catalogue of canned questions,
the one query policy (policy.check_query), result formats and Table 1 regenerated from the graph.
"""
