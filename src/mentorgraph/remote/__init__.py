"""Publish the built graph to any SPARQL 1.1 triple store (Graph Store HTTP Protocol).

`push.py` uploads every named graph of the build with one PUT per graph, so pushing again replaces
rather than duplicates; `commands.py` adds the `mentorgraph push` command.
"""
