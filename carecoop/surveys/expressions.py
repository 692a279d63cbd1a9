"""The expressions of an XLSForm's skip logic, constraints and calculations (``relevant``,
``constraint``, ``calculation``, ``required``), read by the XPath they are written in, the part
of it the web form evaluates: numbers and texts, ``${name}`` for another question's answer,
``.`` for this one's, comparisons, arithmetic (``+ - * div mod``), ``and``, ``or``, brackets and
the functions in ``FUNCTIONS``. ``parse`` turns one into a tree, or names what it cannot read
and where."""

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# The functions the web form knows, with how many arguments each takes (least, most).
FUNCTIONS: dict[str, tuple[int, int]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "not": (1, 1),
    "today": (0, 0),
    "string-length": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "int": (1, 1),
    "number": (1, 1),
    "round": (1, 2),
    "concat": (1, 20),
    "true": (0, 0),
    "false": (0, 0),
    "regex": (2, 2),
}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<text>'[^']*'|"[^"]*")
    | (?P<ref>\$\{(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\})
    | (?P<operator><=|>=|!=|=|<|>|\+|-|\*)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<comma>,)
    | (?P<word>[A-Za-z][A-Za-z0-9-]*)
    | (?P<dot>\.)
    )""",
    re.VERBOSE,
)
WORD_OPERATORS = {"and", "or", "div", "mod"}
# Brackets and calls inside one another: a form needs a few, and a reader must not recurse without
# end on a cell of ten thousand brackets.
DEEPEST = 30
LONGEST = 2000  # characters


class Unreadable(ValueError):
    """What an expression has that cannot be read, and where (the character it starts at)."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.message, self.at = message, at


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    at: int


def _tokens(text: str) -> list[Token]:
    found, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            start = at + len(text[at:]) - len(text[at:].lstrip())
            raise Unreadable(
                _("“%(text)s” is not part of an expression.") % {"text": text[start : start + 10]},
                start,
            )
        kind = str(match.lastgroup)  # the outer group of a reference closes last: "ref"
        value = match.group("name") if kind == "ref" else match.group(kind)
        if kind == "word" and value in WORD_OPERATORS:
            kind = "operator"
        found.append(Token(kind, value, match.start(kind)))
        at = match.end()
    return found


# Operators from the loosest to the tightest.
LEVELS = [{"or"}, {"and"}, {"=", "!="}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "div", "mod"}]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        if len(text) > LONGEST:
            raise Unreadable(_("The expression is too long."), LONGEST)
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0
        self.names: set[str] = set()

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Unreadable(_("The expression ends too soon."), len(self.text))
        self.i += 1
        return token

    def binary(self, level: int) -> Any:
        if level == len(LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (
            (token := self.peek()) is not None
            and token.kind == "operator"
            and (token.value in LEVELS[level])
        ):
            self.take()
            left = (token.value, left, self.binary(level + 1))
        return left

    def unary(self) -> Any:
        token = self.peek()
        if token is not None and token.kind == "operator" and token.value == "-":
            self.take()
            self.depth += 1
            if self.depth > DEEPEST:
                raise Unreadable(_("Too many brackets inside one another."), token.at)
            negated = ("neg", self.unary())
            self.depth -= 1
            return negated
        return self.primary()

    def primary(self) -> Any:
        token = self.take()
        if token.kind in ("open", "word"):
            self.depth += 1
            if self.depth > DEEPEST:
                raise Unreadable(_("Too many brackets inside one another."), token.at)
        if token.kind == "number":
            return ("number", float(token.value))
        if token.kind == "text":
            return ("text", token.value[1:-1])
        if token.kind == "ref":
            self.names.add(token.value)
            return ("ref", token.value)
        if token.kind == "dot":
            return ("self",)
        if token.kind == "open":
            inside = self.binary(0)
            self.expect("close")
            self.depth -= 1
            return inside
        if token.kind == "word":
            called = self.call(token)
            self.depth -= 1
            return called
        raise Unreadable(_("“%(token)s” cannot stand here.") % {"token": token.value}, token.at)

    def call(self, name: Token) -> Any:
        if name.value not in FUNCTIONS:
            raise Unreadable(
                _("“%(name)s” is not a function the form knows.") % {"name": name.value}, name.at
            )
        self.expect("open")
        args = []
        following = self.peek()
        if following is not None and following.kind == "close":
            self.take()
        else:
            args.append(self.binary(0))
            while (after := self.take()).kind == "comma":
                args.append(self.binary(0))
            if after.kind != "close":
                raise Unreadable(_("A bracket is not closed."), after.at)
        least, most = FUNCTIONS[name.value]
        if not least <= len(args) <= most:
            raise Unreadable(
                _("%(name)s() takes %(least)s to %(most)s values, not %(count)s.")
                % {"name": name.value, "least": least, "most": most, "count": len(args)},
                name.at,
            )
        return ("call", name.value, *args)

    def expect(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            message = (
                _("A bracket is not closed.") if kind == "close" else _("A bracket is missing.")
            )
            raise Unreadable(message, token.at)
        return token


@dataclass(frozen=True)
class Parsed:
    """An expression read: its tree, and the names of the questions it reads."""

    tree: Any
    names: frozenset[str]


def parse(text: str) -> Parsed:
    """``text`` as a tree of tuples (``("and", left, right)``, ``("ref", "age")``, ...), or
    ``Unreadable`` naming what cannot be read."""
    parser = _Parser(text)
    if not parser.tokens:
        raise Unreadable(_("The expression is empty."), 0)
    tree = parser.binary(0)
    if (token := parser.peek()) is not None:
        raise Unreadable(_("“%(token)s” cannot stand here.") % {"token": token.value}, token.at)
    return Parsed(tree, frozenset(parser.names))
