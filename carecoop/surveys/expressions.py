"""The expressions of an XLSForm's skip logic, constraints and calculations (``relevant``,
``constraint``, ``calculation``, ``required``), read by the XPath they are written in, the part
of it the web form evaluates: numbers and texts, ``${name}`` for another question's answer,
``.`` for this one's, comparisons, arithmetic (``+ - * div mod``), ``and``, ``or``, brackets and
the functions in ``FUNCTIONS``. ``parse`` turns one into a tree, or names what it cannot read
and where; ``evaluate`` and ``holds`` give its value for a respondent's answers."""

import datetime
import math
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
      (?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
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
LONGEST_NUMBER = 30  # characters of a number written in an expression
# Operators in one expression: each is a level of the tree that evaluating it goes down, and
# a chain of a thousand (``1+1+...``, within the longest) would go deeper than Python can.
MOST_OPERATORS = 300


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
        operators = [token for token in self.tokens if token.kind == "operator"]
        if len(operators) > MOST_OPERATORS:
            raise Unreadable(_("The expression is too long."), operators[MOST_OPERATORS].at)
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
            if len(token.value) > LONGEST_NUMBER:  # a finite number, as the page's JSON holds it
                raise Unreadable(_("This number is too long."), token.at)
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


# Evaluating a tree -------------------------------------------------------------------------
# As XPath 1.0 (which ODK's forms are written in) evaluates it: an answer is text; a comparison
# with a number compares numbers, and text that is not a number is no number (NaN, which
# compares false); arithmetic is on numbers; ``and``, ``or`` and ``if`` read a value as true
# when it is a non-zero number or non-empty text. A date compares and subtracts as its days
# since 1970-01-01, as ODK Collect counts them. The web form evaluates the same trees on the
# phone with static/carecoop/xpath.js: a rule changed here changes there too (the two are
# compared by tests/test_expressions_browser.py).
EPOCH = datetime.date(1970, 1, 1)
# The longest text a regular expression is tried on (a respondent's answer).
REGEX_TEXT = 500
# What XPath reads as a number: digits with an optional point and a minus sign before them
# (not "1e3", "+1", "inf", "1_000" or other scripts' digits, which Python's float() reads);
# and as a date, "YYYY-MM-DD" (not the week dates date.fromisoformat() reads).
NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime.date):
        return float((value - EPOCH).days)
    text = str(value).strip()
    if NUMBER.fullmatch(text):
        return float(text)
    if DATE.fullmatch(text):
        try:
            return float((datetime.date.fromisoformat(text) - EPOCH).days)
        except ValueError:  # no such day
            pass
    return math.nan


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def truth(value: Any) -> bool:
    """A value read as true or false, as XPath's ``boolean()`` reads it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return value != "" and value is not None


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            same = truth(left) == truth(right)
        elif isinstance(left, int | float | datetime.date) or isinstance(
            right, int | float | datetime.date
        ):
            same = _number(left) == _number(right)
        else:
            same = _text(left) == _text(right)
        return same if operator == "=" else not same
    a, b = _number(left), _number(right)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]


def _round(value: float, digits: float = 0) -> float:
    """Half away from zero, as ODK rounds, to at most 15 places either side of the point."""
    if not math.isfinite(value) or not math.isfinite(digits):
        return value if not math.isnan(digits) else math.nan
    scale = 10.0 ** max(-15, min(15, int(digits)))
    scaled = abs(value) * scale + 0.5
    if not math.isfinite(scaled):
        return value
    return math.copysign(math.floor(scaled), value) / scale


def evaluate(
    tree: Any, answers: dict[str, Any], this: Any = "", today: datetime.date | None = None
) -> Any:
    """The value of ``tree`` (``parse``) with ``answers`` by question name and ``this``, the
    answer of the question the expression belongs to (``.``)."""

    def value(node: Any) -> Any:
        kind = node[0]
        if kind in ("number", "text"):
            return node[1]
        if kind == "ref":
            found = answers.get(node[1])
            return "" if found is None else found
        if kind == "self":
            return "" if this is None else this
        if kind == "neg":
            return -_number(value(node[1]))
        if kind == "call":
            return call(node[1], node[2:])
        left = value(node[1])
        if kind == "and":
            return truth(left) and truth(value(node[2]))
        if kind == "or":
            return truth(left) or truth(value(node[2]))
        right = value(node[2])
        if kind in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(kind, left, right)
        a, b = _number(left), _number(right)
        if kind == "+":
            return a + b
        if kind == "-":
            return a - b
        if kind == "*":
            return a * b
        if math.isnan(a) or math.isnan(b):
            return math.nan
        if b == 0:  # div and mod by zero: no number, as XPath has it (or an infinity)
            return math.nan if kind == "mod" or a == 0 else math.copysign(math.inf, a)
        if kind == "div":
            return a / b
        return math.nan if math.isinf(a) else math.fmod(a, b)

    def call(name: str, args: tuple[Any, ...]) -> Any:
        if name == "if":
            return value(args[1]) if truth(value(args[0])) else value(args[2])
        got = [value(a) for a in args]
        if name == "selected":
            return _text(got[1]) in _text(got[0]).split()
        if name == "count-selected":
            return float(len(_text(got[0]).split()))
        if name == "not":
            return not truth(got[0])
        if name == "today":
            return today or datetime.date.today()
        if name == "string-length":
            return float(len(_text(got[0])))
        if name == "coalesce":
            return got[0] if _text(got[0]) != "" else got[1]
        if name == "int":
            number = _number(got[0])
            return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))
        if name == "number":
            return _number(got[0])
        if name == "round":
            return _round(_number(got[0]), _number(got[1]) if len(got) > 1 else 0)
        if name == "concat":
            return "".join(_text(g) for g in got)
        if name == "true":
            return True
        if name == "false":
            return False
        # regex: the pattern is the form's, the text a respondent's, kept short.
        try:
            return re.search(_text(got[1]), _text(got[0])[:REGEX_TEXT]) is not None
        except re.error:
            return False

    return value(tree)


def holds(
    tree: Any, answers: dict[str, Any], this: Any = "", today: datetime.date | None = None
) -> bool:
    """Whether the expression is true for these answers (a skip logic's or a constraint's)."""
    return truth(evaluate(tree, answers, this, today))
