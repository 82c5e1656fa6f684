"""Graph patterns, triples and property paths of the SPARQL 1.1 grammar (rules [53]-[105]).

A mixin of the Parser (parser.py): it reads self.k / self.v / self.i and builds tree nodes. Every
SERVICE, wherever it is nested, becomes a ServicePattern node that the policy finds by walking the
tree.
"""

from __future__ import annotations

from . import tree as t
from .lexer import NUMBER_KINDS

# Tokens that can start a TriplesSameSubject(Path): VarOrTerm or TriplesNode(Path).
TRIPLES_START = frozenset({"VAR", "IRIREF", "PNAME", "STRING", "TRUE", "FALSE", "BLANK", "ANON", "NIL", "(", "["})
TRIPLES_START |= frozenset(NUMBER_KINDS)
_PATTERN_WORDS = "a triple pattern, OPTIONAL, MINUS, GRAPH, SERVICE, FILTER, BIND, VALUES, '{' or '}'"


class PatternParser:
    """Group graph patterns (with their subqueries), triples and paths."""

    def group(self) -> t.Group:
        """GroupGraphPattern ::= '{' ( SubSelect | GroupGraphPatternSub ) '}'."""
        self.expect("{")
        k = self.k
        if k[self.i] == "SELECT":
            sub = self.select_query(sub=True)
            self.expect("}", "'}' after the subquery")
            return t.Group((sub,))
        items = []
        while True:
            kind = k[self.i]
            if kind in TRIPLES_START:
                items.append(t.TriplesBlock(self.triples_block()))
                if k[self.i] in TRIPLES_START:
                    raise self.error("'.' between triple patterns")
                continue
            if kind == "}":
                self.i += 1
                return t.Group(tuple(items))
            if kind == "OPTIONAL":
                self.i += 1
                items.append(t.OptionalPattern(self.group_here()))
            elif kind == "FILTER":
                self.i += 1
                items.append(t.Filter(self.constraint("a bracketed expression or a function call after FILTER")))
            elif kind == "BIND":
                self.i += 1
                self.expect("(", "'(' after BIND")
                expr = self.expression()
                self.expect("AS", "AS ?variable in BIND")
                items.append(t.Bind(expr, self.var()))
                self.expect(")")
            elif kind == "{":
                first = self.group()
                if k[self.i] == "UNION":
                    groups = [first]
                    while k[self.i] == "UNION":
                        self.i += 1
                        groups.append(self.group_here())
                    items.append(t.UnionPattern(tuple(groups)))
                else:
                    items.append(first)
            elif kind == "GRAPH":
                self.i += 1
                name = self.var_or_iri()
                items.append(t.GraphPattern(name, self.group_here()))
            elif kind == "SERVICE":
                at = self.i
                self.i += 1
                silent = k[self.i] == "SILENT"
                if silent:
                    self.i += 1
                endpoint = self.var_or_iri()
                items.append(t.ServicePattern(endpoint, self.group_here(), silent, at))
            elif kind == "MINUS":
                self.i += 1
                items.append(t.MinusPattern(self.group_here()))
            elif kind == "VALUES":
                self.i += 1
                items.append(self.data_block())
            else:
                raise self.error(_PATTERN_WORDS)
            if k[self.i] == ".":
                self.i += 1

    def group_here(self) -> t.Group:
        """The group graph pattern that must start at the current token (a syntax error if no '{')."""
        if self.k[self.i] != "{":
            raise self.error("'{'")
        return self.group()

    def triples_block(self) -> tuple:
        """TriplesBlock ::= TriplesSameSubjectPath ( '.' TriplesBlock? )?"""
        triples = [self.triples_same_subject(True)]
        k = self.k
        while k[self.i] == ".":
            self.i += 1
            if k[self.i] not in TRIPLES_START:
                break
            triples.append(self.triples_same_subject(True))
        return tuple(triples)

    def triples_template(self, end: str) -> tuple:
        """TriplesTemplate / ConstructTriples: triples without paths, up to `end`."""
        if self.k[self.i] == end:
            return ()
        triples = [self.triples_same_subject(False)]
        while self.k[self.i] == ".":
            self.i += 1
            if self.k[self.i] == end:
                break
            triples.append(self.triples_same_subject(False))
        return tuple(triples)

    def triples_same_subject(self, paths: bool) -> t.Triples:
        """A subject and its property list (`paths`: property paths allowed as verbs); a blank-node
        property list or collection subject may stand alone."""
        kind = self.k[self.i]
        if kind == "[" or kind == "(":
            subject = self.graph_node(paths)
            if self.k[self.i] in _VERB_END:
                return t.Triples(subject, ())
            return t.Triples(subject, self.property_list(paths))
        subject = self.var_or_term()
        return t.Triples(subject, self.property_list(paths))

    def property_list(self, paths: bool) -> tuple:
        """PropertyList(Path)NotEmpty: verb objects ( ';' ( verb objects )? )*."""
        k = self.k
        props = [(self.verb(paths), self.object_list(paths))]
        while k[self.i] == ";":
            while k[self.i] == ";":
                self.i += 1
            if k[self.i] in _VERB_END:
                break
            props.append((self.verb(paths), self.object_list(paths)))
        return tuple(props)

    def verb(self, paths: bool):
        """A predicate: a variable, or with `paths` a property path, without it an IRI or 'a'."""
        kind = self.k[self.i]
        if kind == "VAR":
            return self.var()
        if not paths:
            if kind == "a":
                self.i += 1
                return t.RDF_TYPE
            if kind == "IRIREF" or kind == "PNAME":
                return self.iri()
            raise self.error("a predicate (an IRI, a prefixed name, 'a' or a variable)")
        return self.path()

    def object_list(self, paths: bool) -> tuple:
        """ObjectList(Path): one or more graph nodes separated by ','."""
        objects = [self.graph_node(paths)]
        while self.k[self.i] == ",":
            self.i += 1
            objects.append(self.graph_node(paths))
        return tuple(objects)

    def graph_node(self, paths: bool):
        """GraphNode(Path) ::= VarOrTerm | TriplesNode(Path)."""
        kind = self.k[self.i]
        if kind == "[":
            self.i += 1
            props = self.property_list(paths)
            self.expect("]", "']' or ';'")
            return t.BNodePropertyList(props)
        if kind == "(":
            self.i += 1
            items = []
            while self.k[self.i] != ")":
                items.append(self.graph_node(paths))
            self.i += 1
            return t.Collection(tuple(items))
        return self.var_or_term()

    def var_or_term(self):
        """VarOrTerm at the current token: a variable, an IRI, a literal, a blank node, [] or () (rdf:nil)."""
        kind = self.k[self.i]
        i = self.i
        if kind == "VAR":
            self.i = i + 1
            return t.Var(self.v[i], i)
        if kind == "IRIREF" or kind == "PNAME":
            return self.iri()
        if kind == "STRING" or kind in NUMBER_KINDS or kind == "TRUE" or kind == "FALSE":
            return self.literal()
        if kind == "BLANK":
            self.i = i + 1
            return t.BNode(self.v[i], i)
        if kind == "ANON":
            self.i = i + 1
            return t.Anon()
        if kind == "NIL":
            self.i = i + 1
            return t.RDF_NIL
        raise self.error("a variable, an IRI, a literal, a blank node, '(' or '['")

    # --- property paths (rules [88]-[96]) -------------------------------------------------------

    def path(self):
        """Path ::= PathAlternative: sequences separated by '|' (a PathAlt only if there are several)."""
        first = self.path_sequence()
        if self.k[self.i] != "|":
            return first
        items = [first]
        while self.k[self.i] == "|":
            self.i += 1
            items.append(self.path_sequence())
        return t.PathAlt(tuple(items))

    def path_sequence(self):
        """PathSequence: path elements separated by '/' (a PathSeq only if there are several)."""
        first = self.path_elt_or_inverse()
        if self.k[self.i] != "/":
            return first
        items = [first]
        while self.k[self.i] == "/":
            self.i += 1
            items.append(self.path_elt_or_inverse())
        return t.PathSeq(tuple(items))

    def path_elt_or_inverse(self):
        """PathEltOrInverse: a path element, inverted (PathInv) after '^'."""
        if self.k[self.i] == "^":
            self.i += 1
            return t.PathInv(self.path_elt())
        return self.path_elt()

    def path_elt(self):
        """PathElt: an IRI, 'a', a negated set or a bracketed path, with an optional ?, * or + modifier."""
        kind = self.k[self.i]
        if kind == "IRIREF" or kind == "PNAME":
            primary = self.iri()
        elif kind == "a":
            self.i += 1
            primary = t.RDF_TYPE
        elif kind == "!":
            self.i += 1
            primary = self.negated_set()
        elif kind == "(":
            self.i += 1
            primary = self.path()
            self.expect(")", "')' closing the path")
        else:
            raise self.error("a predicate or property path")
        mod = self.k[self.i]
        if mod == "*" or mod == "?" or mod == "+":
            self.i += 1
            return t.PathMod(primary, mod)
        return primary

    def negated_set(self) -> t.PathNeg:
        """The set after '!': one IRI (or ^IRI), a bracketed '|' list of them, or () for the empty set."""
        if self.k[self.i] == "NIL":
            self.i += 1
            return t.PathNeg(())
        if self.k[self.i] != "(":
            return t.PathNeg((self.path_one(),))
        self.i += 1
        items = [self.path_one()]
        while self.k[self.i] == "|":
            self.i += 1
            items.append(self.path_one())
        self.expect(")", "'|' or ')' in the negated property set")
        return t.PathNeg(tuple(items))

    def path_one(self):
        """PathOneInPropertySet: an IRI or 'a', inverted (PathInv) after '^'."""
        inverse = self.k[self.i] == "^"
        if inverse:
            self.i += 1
        if self.k[self.i] == "a":
            self.i += 1
            iri = t.RDF_TYPE
        elif self.k[self.i] in ("IRIREF", "PNAME"):
            iri = self.iri()
        else:
            raise self.error("an IRI, 'a' or '^' in the negated property set")
        return t.PathInv(iri) if inverse else iri


# After a subject without a property list, or after ';': what may follow a property list.
_VERB_END = frozenset({".", "}", "]", "EOF", "OPTIONAL", "FILTER", "BIND", "GRAPH", "SERVICE", "MINUS", "VALUES", "{"})
