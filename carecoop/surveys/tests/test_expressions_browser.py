"""The web form evaluates a survey's skip logic, constraints and calculations on the phone with
static/carecoop/xpath.js, from the trees the server parses: for the same tree and answers it
gives the server's value, its truth and its text, on a table of awkward cases and on expressions
made at random from the grammar. The script runs under the site's Content-Security-Policy."""

import datetime
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from csp.utils import build_policy
from django.contrib.staticfiles import finders
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carecoop.surveys.expressions import FUNCTIONS, Unreadable, evaluate, holds, parse, truth

pytestmark = pytest.mark.browser

SITE = "https://carecoop.test"
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
"""
# Each case's tree, answers, "." and today evaluated in the page, in one call for a whole batch.
EVALUATE = """(cases) => {
  const X = window.carecoopXPath;
  const shown = (v) => typeof v === "object" ? { date: v.iso } : v;
  return JSON.parse(cases).map(([tree, answers, self, today]) => {
    try {
      const value = X.evaluate(tree, answers, self, today);
      return [shown(value), X.holds(tree, answers, self, today), X.truth(value), X.text(value)];
    } catch (error) {
      return { error: String(error) };
    }
  });
}"""


@pytest.fixture
def page(strict_phone: Any) -> Iterator[Any]:
    """A page of the site's origin, under its policy, with xpath.js as the site serves it."""
    script = Path(str(finders.find("carecoop/xpath.js"))).read_text()
    html = (
        '<!doctype html><html><head><script src="/static/carecoop/xpath.js"></script></head></html>'
    )
    policy = {"Content-Security-Policy": build_policy()}
    strict_phone.route(f"{SITE}/", lambda route: route.fulfill(body=html, headers=policy))
    strict_phone.route(
        f"{SITE}/static/carecoop/xpath.js",
        lambda route: route.fulfill(body=script, content_type="text/javascript", headers=policy),
    )
    strict_phone.add_init_script(WATCH)
    strict_phone.goto(f"{SITE}/")
    assert strict_phone.evaluate("typeof window.carecoopXPath.evaluate") == "function"
    yield strict_phone
    assert strict_phone.evaluate("window.__violations") == []


TODAY = datetime.date(2025, 6, 30)
Case = tuple[str, dict[str, str], str, datetime.date]


def _kind(value: Any) -> tuple[str, Any]:
    """A value with its kind: true is not 1, nor a date its text."""
    if isinstance(value, datetime.date):
        return ("date", value.isoformat())
    if isinstance(value, dict) and set(value) == {"date"}:
        return ("date", value["date"])
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    return ("text", value)


def _same(a: Any, b: Any) -> bool:
    (kind, x), (other, y) = _kind(a), _kind(b)
    if kind != other:
        return False
    if kind == "number":  # exactly, the sign of a zero too; no number is no number
        return (math.isnan(x) and math.isnan(y)) or (
            x == y and math.copysign(1, x) == math.copysign(1, y)
        )
    return x == y


def _compare(page: Any, cases: list[Case]) -> int:
    """Every case evaluated by the server and in the page; the disagreements named. Returns
    how many cases were compared (those the grammar reads)."""
    sent, expected = [], []
    for text, answers, this, today in cases:
        tree = parse(text).tree
        value = evaluate(tree, answers, this, today)
        words = evaluate(("call", "concat", tree), answers, this, today)  # the value's text
        sent.append([tree, answers, this, today.isoformat()])
        expected.append([value, holds(tree, answers, this, today), truth(value), words])
    got = page.evaluate(EVALUATE, json.dumps(sent))
    wrong = [
        f"{case[0]!r} with {case[1]!r}, . = {case[2]!r}, today {case[3]}: server {want!r}, page {have!r}"
        for case, want, have in zip(cases, expected, got, strict=True)
        if isinstance(have, dict) or not all(_same(w, h) for w, h in zip(want, have, strict=True))
    ]
    assert not wrong, f"{len(wrong)} of {len(cases)} disagree:\n" + "\n".join(wrong[:20])
    return len(cases)


# Awkward cases, by theme: (expression, answers, "."). Answers are one line, as a text input
# gives them.
ANSWERS = {"x": "7", "born": "2020-02-29", "care": "grandmother centre"}
TABLE: list[tuple[str, dict[str, str], str]] = [
    # Dates: days when compared or subtracted, "YYYY-MM-DD" as text.
    *[
        (text, ANSWERS, "")
        for text in (
            "${born} < today()",
            "today() - ${born}",
            "today() + 1",
            "today() = '2025-06-30'",
            "today() = ' 2025-06-30 '",
            "today() != 20269",
            "concat(today(), '/', string-length(today()))",
            "if(${x} > 1, today(), 'never')",
            "coalesce(${missing}, today())",
            "today() and 0",
            "today() > ${born} and ${born} > '2020-02-28'",
            "${born} = '2020-02-29'",
            "${born} = '2020-2-29'",
        )
    ],
    *[
        (f"number('{day}')", {}, "")
        for day in (
            "2025-02-29",
            "2024-02-29",
            "1900-02-29",
            "2000-02-29",
            "0001-01-01",
            "0000-01-01",
            "9999-12-31",
            "1969-12-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-W26-1",
            "20250630",
            "2025-06-30T10:00",
        )
    ],
    (". - today()", {}, "2025-07-04"),
    (". < today()", {}, " 2025-06-29\u3000"),
    # No number: NaN, and what it compares and adds to.
    *[
        (text, {"x": "abc"}, "")
        for text in (
            "${x} + 1",
            "concat(${x} * 2)",
            "number(${x}) = number(${x})",
            "0 div 0 != 0 div 0",
            "not(0 div 0)",
            "if(0 div 0, 'y', 'n')",
            "${x} < 1 or ${x} >= 1",
            "-${x}",
            "string-length(0 div 0)",
            "0 div 0 = 'NaN'",
        )
    ],
    *[
        ("number(${x})", {"x": answer}, "")
        for answer in (
            " 12 ",
            "-.5",
            "5.",
            "-0",
            "007",
            "1e3",
            "inf",
            "-Infinity",
            "nan",
            "+5",
            "1_000",
            "0x10",
            "\u0967\u0968",
            "\uff11\uff12",
            "\xa012\u3000",
            "\ufeff12",
            "12\x1c",
            "\t-3.25\x85",
            "1 2",
            "--1",
            "9" * 400,
        )
    ],
    # Empty and missing answers.
    *[
        (text, {"empty": ""}, "")
        for text in (
            "${missing} = ''",
            "${empty} = 0",
            "${missing} != 0",
            "${missing} < 1",
            "${empty} + 0",
            "string-length(${missing})",
            "count-selected(${empty})",
            "selected(${missing}, '')",
            ". = ''",
            "coalesce(${missing}, ${empty})",
            "not(${missing})",
            "${constructor} = ''",
            "concat(${toString}, ${__proto__}, ${hasOwnProperty})",
        )
    ],
    ("concat(${__proto__}, '!')", {"__proto__": "kept"}, ""),
    ("${constructor} * 2", {"constructor": "21"}, ""),
    # Booleans from comparisons.
    *[
        (text, ANSWERS, "")
        for text in (
            "(1 < 2) = 'false'",
            "(1 < 2) + 1",
            "concat(1 < 2, 1 > 2)",
            "(1 < 2) = 1",
            "(1 > 2) = ''",
            "(${x} = 7) = (${care} = 'centre')",
            "true() = 'a'",
            "false() = 0",
            "(1 < 2) < 2",
            "true() > false()",
            "true() = today()",
            "false() = 0 div 0",
            "1 = 1 = 1",
            "2 = 2 = 2",
            "'a' and ''",
            "'' or 0",
            "0 or 'false'",
            "(0 or 0) - 1",
        )
    ],
    # Nested if, its branch only evaluated.
    *[
        (
            "if(${x} > 10, 'big', if(${x} > 5, 'middle', if(${x} = '', 'none', 'small')))",
            {"x": x},
            "",
        )
        for x in ("7", "", "abc", "11", " 6 ", "5", "-20")
    ],
    ("if(., . div 2, 'none')", {}, "9"),
    ("if('0', 1, 2) + if(0, 1, 2)", {}, ""),
    # Arithmetic: mod of negatives, by zero and infinities.
    *[
        (text, {}, "")
        for text in (
            "-7 mod 3",
            "7 mod -3",
            "-7 mod -3",
            "-7.5 mod 2",
            "7 mod 0",
            "0 mod 0",
            "-0 mod 5",
            "-1 mod 1",
            "5 mod (1 div 0)",
            "(1 div 0) mod 5",
            "1 div 0",
            "-1 div 0",
            "1 div -0",
            "0 div 0",
            "(1 div 0) - (1 div 0)",
            "(1 div 0) * 0",
            "99999999999999999999999 + 1",
            "0.1 * 3",
            "1 div 3 * 3",
            "--1",
            "1 - -1",
            "2 * -3 div 4",
            "-(2 - 3) * 2",
            "5.5 mod 2.25",
        )
    ],
    # Round: half away from zero, to places either side of the point.
    *[
        (text, {"x": "2.5"}, "")
        for text in (
            "round(0.5)",
            "round(1.5)",
            "round(2.5)",
            "round(-0.5)",
            "round(-1.5)",
            "round(-0.4)",
            "round(1.005, 2)",
            "round(2.675, 2)",
            "round(0.285, 2)",
            "round(1234.5, -1)",
            "round(1250, -2)",
            "round(-1250, -2)",
            "round(${x})",
            "round(1.5, 0 div 0)",
            "round(1.5, 1 div 0)",
            "round(0 div 0)",
            "round(1 div 0, 2)",
            "round(123.456, 20)",
            "round(123.456, -20)",
            "round(1 div 3, 15)",
            "round(2.5, 0.9)",
            "round(2.55, -0.9)",
            "round(99999999999999999999999.5)",
            "round('')",
            "int(-2.7)",
            "int(2.7)",
            "int(-0.5)",
            "int('1e3')",
            "int(1 div 0)",
            "int('')",
        )
    ],
    # Numbers as text: integers without ".0", Python's repr otherwise.
    *[
        (f"concat({number})", {"x": "1.10"}, "")
        for number in (
            "0.1 + 0.2",
            "1 div 3",
            "2 div 3",
            "10000000000000000",
            "100000000000000000000000",
            "123456789012345678",
            "9007199254740993",
            "2 div 100000",
            "1 div 10000",
            "1 div 10000000",
            "1 div 0, -1 div 0, 0 div 0",
            "3.0, '-', 007",
            "-0",
            "${x} * 1",
            "1 div 3 * 1000000000000000",
            "0.000123456789",
            "-123.456 * 1000",
        )
    ],
    ("concat(" + "9" * 30 + " * " + "9" * 30 + ")", {}, ""),
    ("concat(" + "9" * 30 + " * " + "9" * 30 + " div 7)", {}, ""),
    # Selected: answers split on any of Python's spaces, extra ones too.
    *[
        (text, {"care": care}, "")
        for text in (
            "selected(${care}, 'centre')",
            "count-selected(${care})",
            "selected(${care}, '')",
        )
        for care in (
            "  grandmother\tcentre  ",
            "grandmother\u3000centre",
            "grandmother\xa0centre",
            "grandmother\x1ccentre",
            "grandmother\ufeffcentre",
            "grandmother\u200bcentre",
            "centre",
            "centres",
            "",
            "   ",
        )
    ],
    ("selected('a b', 'a b')", {}, ""),
    ("selected(1 div 2, 0.5)", {}, ""),
    ("count-selected(concat(1, ' ', 2, ' ', true()))", {}, ""),
    # Coalesce, concat, string length (of characters, not of UTF-16 units).
    ("coalesce(0, 1)", {}, ""),
    ("coalesce('', 0 div 0)", {}, ""),
    ("coalesce(1 > 2, 'x')", {}, ""),
    ("string-length(${x})", {"x": "\U0001f600\u0a97\u0ac1\u0a9c"}, ""),
    ("string-length(. )", {}, "  a  "),
    ("concat(., ${x}, 1 div 4, true())", {"x": "\u0a97"}, "\U0001f600"),
    # Regular expressions of a form: ordinary patterns, and ones no pattern.
    *[
        (f"regex(., '{pattern}')", {}, this)
        for pattern, this in (
            ("^[0-9]{10}$", "9825011111"),
            ("^[0-9]{10}$", "98250 11111"),
            ("^\\d+$", "2025"),
            ("^\\d{3}\\-\\d{4}$", "123-4567"),
            ("^\\w+@\\w+\\.[a-z]{2,}$", "meena@coop.in"),
            ("^\\s*$", "  "),
            ("^.$", "\U0001f600"),
            ("^..$", "\U0001f600"),
            ("a{", "xa{"),
            ("[0-9]]", "5]"),
            ("(", "("),
            ("[", "x"),
            ("*a", "a"),
            ("", "anything"),
            ("A|B", "xBx"),
            ("^(ab)+$", "ababab"),
            ("b{2,}", "abbb"),
            ("^[^0-9]*$", "abc"),
            ("\\.", "1.5"),
            ("^[\u0a80-\u0aff]+$", "\u0a97\u0ac1\u0a9c"),
        )
    ],
    ("regex(123, '^1')", {}, ""),
    ("regex(1 div 3, '^0\\.3+$')", {}, ""),
    ("regex(concat('x', ${long}), '^x*y$')", {"long": "x" * 600 + "y"}, ""),
    ("regex(${long}, 'y')", {"long": "\U0001f600" * 499 + "y"}, ""),
    ("regex(${long}, 'y')", {"long": "\U0001f600" * 500 + "y"}, ""),
]


def test_the_page_evaluates_awkward_expressions_as_the_server_does(page):
    _compare(page, [(text, answers, this, TODAY) for text, answers, this in TABLE])


def test_the_page_reads_spaces_as_the_server_does(page):
    """Every character of the basic plane ("_" in each answer): the answers it splits and the
    numbers it surrounds are the same on the server and in the page."""
    for text, answer in (("count-selected(${a}) = 2", "x_y"), ("number(${a}) = 1", "_1_")):
        tree = parse(text).tree
        server = [
            c for c in range(0x10000) if holds(tree, {"a": answer.replace("_", chr(c))}, "", TODAY)
        ]
        browser = page.evaluate(
            """([tree, answer]) => {
              const found = [];
              for (let c = 0; c < 0x10000; c++) {
                const a = answer.split("_").join(String.fromCharCode(c));
                if (window.carecoopXPath.holds(tree, { a }, "", "2025-06-30")) found.push(c);
              }
              return found;
            }""",
            [tree, answer],
        )
        assert browser == server and len(server) > 20


# Expressions made at random from the grammar: a few names (one also a name of JavaScript's
# objects), numbers, texts, ".", operators and every function, with random one-line answers.
NAMES = ["a", "b", "c", "constructor"]
OPERATORS = ["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
# Letters, digits, points, minus signs, spaces of several kinds, Gujarati, an emoji.
CHARACTERS = "abxAB0125.-  \t\xa0\u3000\x1c\ufeff\u0a97\u0ae7\U0001f600"
PATTERNS = ["^[0-9]+$", "^.$", "^-?[0-9]+(\\.[0-9]+)?$", "a|b", "[a-z]", "x*", "(", "^(ab)+", "."]

answer_texts = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "2.5", " 12 ", "NaN", "inf", "1e3", "true", "a b a"]),
    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,3})?", fullmatch=True),
    st.dates().map(datetime.date.isoformat),
    st.text(alphabet=CHARACTERS, max_size=8),
)
numbers = st.one_of(
    st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3})?|\.[0-9]{1,2}", fullmatch=True),
    st.sampled_from(["0", "0.5", "2.5", "0.1", "10000000000000000", "99999999999999999999999"]),
)
texts = st.one_of(
    st.text(alphabet=CHARACTERS, max_size=6).map(lambda t: f"'{t}'"),
    st.sampled_from(["'2025-06-30'", "'2024-02-29'", '"it\'s"', "'a b'"]),
)
atoms = st.one_of(
    st.sampled_from(NAMES).map(lambda name: f"${{{name}}}"),
    st.just("."),
    numbers,
    texts,
    st.sampled_from(["today()", "true()", "false()"]),
)


def _grown(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def call(name: str) -> st.SearchStrategy[str]:
        least, most = FUNCTIONS[name]
        if name == "regex":  # the pattern an expression's value or an ordinary pattern
            args = st.tuples(
                inner, st.one_of(inner, st.sampled_from(PATTERNS).map(lambda p: f"'{p}'"))
            )
        else:
            args = st.lists(inner, min_size=least, max_size=min(most, 3))
        return args.map(lambda got: f"{name}({', '.join(got)})")

    binary = st.tuples(inner, st.sampled_from(OPERATORS), inner).map(" ".join)
    return st.one_of(
        binary,
        binary.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
        st.sampled_from([name for name, (_, most) in FUNCTIONS.items() if most]).flatmap(call),
    )


expressions = st.recursive(atoms, _grown, max_leaves=10)
cases = st.tuples(
    expressions,
    st.dictionaries(st.sampled_from(NAMES), answer_texts),
    answer_texts,
    st.sampled_from([TODAY, datetime.date(2024, 2, 29), datetime.date(1970, 1, 1)]),
)


# A batch that disagrees is not shrunk (each step would be a page's evaluation, minutes in all):
# the failure names every case of it that disagrees.
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(cases, min_size=100, max_size=100))
def test_the_page_evaluates_any_expression_as_the_server_does(page, batch):
    readable = []
    for case in batch:
        try:
            parse(case[0])
        except Unreadable:  # brackets deeper than the form reads
            continue
        readable.append(case)
    assert len(readable) > 90
    _compare(page, readable)
