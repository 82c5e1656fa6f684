"""Expressions of the SPARQL 1.1 grammar (rules [110]-[129]): operators, built-in calls, aggregates,
function calls, EXISTS / NOT EXISTS.

A mixin of the Parser. The binary levels keep the grammar's n-ary chains; `?x -1` is `?x - 1`, as
rule [116] says (a signed number right after an operand is an addition or subtraction of the
unsigned number). Each bracket level costs five Python frames (expression, relational, additive,
unary, primary), so the lexer's depth limit keeps recursion far below Python's limit.
"""

from __future__ import annotations

from . import tree as t
from .lexer import NUMBER_KINDS, SIGNED_KINDS

_RELATIONAL = frozenset({"=", "!=", "<", ">", "<=", ">="})
_SIGNED = {k: NUMBER_KINDS[k] for k in SIGNED_KINDS}
# Tokens that end an expression: after a single term, nothing more can belong to it.
_EXPRESSION_END = frozenset({",", ")", "AS", ";", "}"})

# Built-in calls (rule [121]) by argument count; the keyword is the token kind.
_FIXED = {
    **dict.fromkeys("STR LANG DATATYPE IRI URI ABS CEIL FLOOR ROUND STRLEN UCASE LCASE ENCODE_FOR_URI".split(), 1),
    **dict.fromkeys("YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ MD5 SHA1 SHA256 SHA384 SHA512".split(), 1),
    **dict.fromkeys("ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC".split(), 1),
    **dict.fromkeys("LANGMATCHES CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER STRLANG STRDT SAMETERM".split(), 2),
    "IF": 3,
}
_RANGE = {"SUBSTR": (2, 3), "REPLACE": (3, 4), "REGEX": (2, 3)}
_NO_ARGS = frozenset({"RAND", "NOW", "UUID", "STRUUID"})
_LISTS = frozenset({"CONCAT", "COALESCE"})
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
BUILTINS = frozenset(_FIXED) | frozenset(_RANGE) | _NO_ARGS | _LISTS | {"BNODE", "BOUND", "EXISTS", "NOT"} | AGGREGATES


class ExpressionParser:
    """Expression ::= ConditionalOrExpression, and everything under it."""

    def expression(self):
        """Expression (rule [110]): an || chain of && chains of relational expressions (an Or or And
        only when there is a chain); a lone variable or literal is read without descending the levels."""
        k = self.k
        i = self.i
        if k[i + 1] in _EXPRESSION_END:  # a lone variable or literal (most function arguments)
            kind = k[i]
            if kind == "VAR":
                self.i = i + 1
                return t.Var(self.v[i], i)
            if kind == "STRING" or kind in NUMBER_KINDS:
                return self.literal()
        left = self.relational()
        kind = k[self.i]
        if kind != "||" and kind != "&&":
            return left
        ors: list = []
        ands = [left]
        while True:
            kind = k[self.i]
            if kind == "&&":
                self.i += 1
                ands.append(self.relational())
            elif kind == "||":
                self.i += 1
                ors.append(ands[0] if len(ands) == 1 else t.And(tuple(ands)))
                ands = [self.relational()]
            else:
                break
        last = ands[0] if len(ands) == 1 else t.And(tuple(ands))
        if not ors:
            return last
        ors.append(last)
        return t.Or(tuple(ors))

    def relational(self):
        """RelationalExpression: an additive expression, or a comparison, IN or NOT IN of one."""
        left = self.additive()
        kind = self.k[self.i]
        if kind in _RELATIONAL:
            self.i += 1
            return t.Compare(kind, left, self.additive())
        if kind == "IN":
            self.i += 1
            return t.In(left, self.expression_list())
        if kind == "NOT" and self.k[self.i + 1] == "IN":
            self.i += 2
            return t.In(left, self.expression_list(), True)
        return left

    def additive(self):
        """AdditiveExpression: an Add if '+' or '-' follows (a signed number right after an operand
        counts as one, rule [116]), else the multiplicative expression alone."""
        k = self.k
        first = self.mul_tail(self.unary())
        kind = k[self.i]
        if kind != "+" and kind != "-" and kind not in _SIGNED:
            return first
        rest = []
        while True:
            kind = k[self.i]
            if kind == "+" or kind == "-":
                self.i += 1
                rest.append((kind, self.mul_tail(self.unary())))
            elif kind in _SIGNED:
                i = self.i
                self.i = i + 1
                unsigned = t.Literal(self.v[i][1:], None, _SIGNED[kind], i, True)
                rest.append((kind[-1], self.mul_tail(unsigned)))
            else:
                return t.Add(first, tuple(rest))

    def mul_tail(self, first):
        """The '*' and '/' chain that follows `first` as a Mul, or `first` itself if none follows."""
        k = self.k
        kind = k[self.i]
        if kind != "*" and kind != "/":
            return first
        rest = []
        while kind == "*" or kind == "/":
            self.i += 1
            rest.append((kind, self.unary()))
            kind = k[self.i]
        return t.Mul(first, tuple(rest))

    def unary(self):
        """UnaryExpression: '!', '+' or '-' applied to a primary expression, or the primary alone."""
        kind = self.k[self.i]
        if kind == "!" or kind == "+" or kind == "-":
            self.i += 1
            return t.Unary(kind, self.primary())
        return self.primary()

    def primary(self):
        """PrimaryExpression: a variable, a bracketed expression, an IRI or function call, a literal or
        a built-in call; a syntax error for anything else."""
        k = self.k
        i = self.i
        kind = k[i]
        if kind == "VAR":
            self.i = i + 1
            return t.Var(self.v[i], i)
        if kind == "(":
            return self.bracketted()
        if kind == "IRIREF" or kind == "PNAME":
            iri = self.iri()
            if k[self.i] == "(" or k[self.i] == "NIL":
                return self.function_call(iri)
            return iri
        if kind == "STRING" or kind in NUMBER_KINDS or kind == "TRUE" or kind == "FALSE":
            return self.literal()
        if kind in BUILTINS:
            call = self.call_or_none()
            if call is not None:
                return call
        raise self.error("an expression (a variable, a literal, an IRI, a function call or '(')")

    def bracketted(self):
        """BrackettedExpression ::= '(' Expression ')': the inner expression (the brackets leave no node)."""
        self.expect("(")
        expr = self.expression()
        self.expect(")", "')' or an operator")
        return expr

    def expression_list(self) -> tuple:
        """ExpressionList ::= NIL | '(' Expression ( ',' Expression )* ')'."""
        if self.k[self.i] == "NIL":
            self.i += 1
            return ()
        self.expect("(", "'(' (a list of expressions)")
        items = [self.expression()]
        while self.k[self.i] == ",":
            self.i += 1
            items.append(self.expression())
        self.expect(")", "',' or ')'")
        return tuple(items)

    def function_call(self, iri: t.IRI) -> t.Function:
        """iri ArgList, ArgList ::= NIL | '(' 'DISTINCT'? Expression ( ',' Expression )* ')'."""
        if self.k[self.i] == "NIL":
            self.i += 1
            return t.Function(iri, ())
        self.expect("(")
        distinct = self.k[self.i] == "DISTINCT"
        if distinct:
            self.i += 1
        args = [self.expression()]
        while self.k[self.i] == ",":
            self.i += 1
            args.append(self.expression())
        self.expect(")", "',' or ')'")
        return t.Function(iri, tuple(args), distinct)

    def call_or_none(self):
        """A BuiltInCall or FunctionCall at the current token, or None if none starts here."""
        k = self.k
        kind = k[self.i]
        if kind == "IRIREF" or kind == "PNAME":
            iri = self.iri()
            if k[self.i] != "(" and k[self.i] != "NIL":
                raise self.error("'(' (the arguments of a function call)")
            return self.function_call(iri)
        if kind not in BUILTINS:
            return None
        self.i += 1
        if kind in AGGREGATES:
            return self.aggregate(kind)
        if kind == "EXISTS":
            return t.Exists(self.group_here())
        if kind == "NOT":
            self.expect("EXISTS", "EXISTS after NOT")
            return t.Exists(self.group_here(), True)
        if kind == "BOUND":
            self.expect("(", "'(' after BOUND")
            var = self.var()
            self.expect(")")
            return t.Call(kind, (var,))
        if kind in _NO_ARGS:
            if k[self.i] != "NIL":
                raise self.error(f"'()' after {kind}")
            self.i += 1
            return t.Call(kind, ())
        if kind in _LISTS:
            return t.Call(kind, self.expression_list())
        if kind == "BNODE":
            if k[self.i] == "NIL":
                self.i += 1
                return t.Call(kind, ())
            return t.Call(kind, (self.bracketted(),))
        low, high = _RANGE.get(kind) or (_FIXED[kind], _FIXED[kind])
        if k[self.i] != "(":
            raise self.error(f"'(' after {kind}")
        self.i += 1
        args = [self.expression()]
        while k[self.i] == "," and len(args) < high:
            self.i += 1
            args.append(self.expression())
        if len(args) < low:
            raise self.error(f"',' ({kind} takes {low} arguments)")
        self.expect(")", "')'" if len(args) == high else "',' or ')'")
        return t.Call(kind, tuple(args))

    def aggregate(self, name: str) -> t.Aggregate:
        """Aggregate (rule [127]), with COUNT(*) and GROUP_CONCAT's SEPARATOR."""
        k = self.k
        if k[self.i] != "(":
            raise self.error(f"'(' after {name}")
        self.i += 1
        distinct = k[self.i] == "DISTINCT"
        if distinct:
            self.i += 1
        if name == "COUNT" and k[self.i] == "*":
            self.i += 1
            args = ()
        else:
            args = (self.expression(),)
        separator = sep_tok = None
        if name == "GROUP_CONCAT" and k[self.i] == ";":
            self.i += 1
            self.expect("SEPARATOR", "SEPARATOR after ';'")
            self.expect("=", "'=' after SEPARATOR")
            sep_tok = self.expect("STRING", "a string after SEPARATOR =")
            separator = self.v[sep_tok]
        self.expect(")")
        return t.Aggregate(name, args, distinct, separator, sep_tok)
