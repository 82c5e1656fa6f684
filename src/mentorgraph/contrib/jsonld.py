"""JSON-LD contributions: checked as JSON first (remote, file: and @import contexts refused and never
fetched, unknown terms refused, IRIs and text checked, nesting bounded), then parsed by pyoxigraph with
the shipped context (ontology/context.jsonld) in front of any inline one.
"""

from __future__ import annotations

import json
from typing import Any

from .. import iris, schema
from ..problems import Problem, closest
from .rdf import _parse
from .clean import bad_character, iri_problem
from .records import MAX_JSON_DEPTH, shown


def _json_problems(value: Any, display: str, terms: set[str]) -> list[Problem]:
    """Refuse remote, file: and @import contexts, unknown terms, bad IRIs and over-deep nesting."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return [
                Problem(
                    display,
                    f"JSON nested more than {MAX_JSON_DEPTH} levels deep at {path}",
                    expected="node objects a few levels deep",
                )
            ]
        if isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
            continue
        if isinstance(node, str):
            found = bad_character(node, multiline=True)
            if found:
                problems.append(
                    Problem(
                        display,
                        f"{path}: text contains, at position {found[0] + 1}, {found[1]}",
                        value=shown(node),
                        expected="visible text (no control, bidirectional-control or invisible characters)",
                    )
                )
            continue
        if not isinstance(node, dict):
            continue
        for key, v in node.items():
            where = f"{path}.{key}"
            if key == "@context":
                problems += _context_problems(v, display, where)
                continue
            if key in ("@id", "id", "@type", "type", "@vocab", "@base") or key in _IRI_TERMS:
                for s in v if isinstance(v, list) else [v]:
                    if not isinstance(s, str) or key.endswith("type"):
                        continue
                    # Values of other IRI-typed terms may be names (matched later); those of @id never are.
                    http = s.startswith(("http:", "https:"))
                    why = iri_problem(s) if http else None
                    if why or (" " in s and key in ("@id", "id", "@vocab", "@base")):
                        problems.append(
                            Problem(
                                display,
                                f"{where}: invalid IRI {s!r} ({why or 'contains spaces'})",
                                value=s,
                                expected='an IRI without spaces or <>"{}|^`\\',
                            )
                        )
            elif not key.startswith("@") and ":" not in key and key not in terms:
                hint = closest(key, terms)
                problems.append(
                    Problem(
                        display,
                        f"{where}: unknown term {key!r} (JSON-LD would drop it silently)",
                        value=key,
                        expected="a term of the shipped context (ontology/context.jsonld)",
                        suggestion=hint[0] if hint else None,
                    )
                )
            stack.append((v, where, depth + 1))
    return problems


# JSON-LD terms whose values are IRIs or names of entities (the link keys of schema.py), and two more.
_IRI_TERMS = set(schema.INITIATIVE_LINKS) | {"website", "source"}


def _context_problems(ctx: Any, display: str, where: str) -> list[Problem]:
    items = ctx if isinstance(ctx, list) else [ctx]
    problems = []
    for item in items:
        if isinstance(item, str) or not isinstance(item, dict):
            problems.append(
                Problem(
                    display,
                    f"{where}: context {item!r} refers to another document, which is never fetched",
                    value=str(item)[:120],
                    expected="no @context (the shipped ontology/context.jsonld is used) or an inline context object",
                )
            )
        elif "@import" in item:
            problems.append(
                Problem(
                    display,
                    f"{where}: @import of {str(item['@import'])[:120]!r} is never fetched",
                    value=str(item["@import"])[:120],
                    expected="an inline context without @import",
                )
            )
        else:
            for term, definition in item.items():
                if isinstance(definition, dict) and "@context" in definition:
                    problems += _context_problems(definition["@context"], display, f"{where}.{term}.@context")
    return problems


def read_jsonld(text: str, display: str, shipped_context: dict) -> tuple[list | None, list[Problem]]:
    """Triples of a JSON-LD file, parsed with the shipped context; other contexts are never fetched."""
    import pyoxigraph as ox

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            Problem(display, f"JSON syntax error: {exc.msg}", line=exc.lineno, column=exc.colno, expected="valid JSON")
        ]
    except RecursionError:
        return None, [Problem(display, "JSON nested too deeply", expected=f"at most {MAX_JSON_DEPTH} levels")]
    terms = {k for k in shipped_context if not k.startswith("@")}
    inline = doc.get("@context") if isinstance(doc, dict) else None
    for item in inline if isinstance(inline, list) else [inline]:
        if isinstance(item, dict):
            terms |= {k for k in item if not k.startswith("@")}
    problems = _json_problems(doc, display, terms)
    if problems:
        return None, problems
    doc = _names_as_text(doc, set(iris.PREFIXES))
    # Put the shipped context first, so a document may use its terms without naming any context.
    if isinstance(doc, dict):
        doc = {
            **doc,
            "@context": [shipped_context, *(inline if isinstance(inline, list) else [inline] if inline else [])],
        }
    else:
        doc = {"@context": shipped_context, "@graph": doc}
    body = json.dumps(doc, ensure_ascii=False, check_circular=False)
    return _parse(display, lambda: ox.parse(body, format=ox.RdfFormat.JSON_LD, without_named_graphs=True))


def _names_as_text(node: Any, prefixes: set[str]) -> Any:
    """Values of IRI-typed terms that are names, not IRIs, kept as text so they can be matched by name."""
    if isinstance(node, list):
        return [_names_as_text(v, prefixes) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in _IRI_TERMS:
            items = [
                (
                    {"@value": x}
                    if isinstance(x, str)
                    and not x.startswith(("http://", "https://"))
                    and x.split(":", 1)[0] not in prefixes
                    else x
                )
                for x in (v if isinstance(v, list) else [v])
            ]
            out[k] = items if isinstance(v, list) else items[0]
        elif k == "@context":
            out[k] = v
        else:
            out[k] = _names_as_text(v, prefixes)
    return out
