"""The expressions of a form's skip logic and constraints, read into trees: what the form can
read is read, and anything else, however odd, is named as unreadable and where, never an error
of another kind."""

import contextlib
import datetime
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecoop.surveys.expressions import Unreadable, evaluate, holds, parse
from carecoop.surveys.xlsform import form_read


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("${days} > 0", (">", ("ref", "days"), ("number", 0.0))),
        (
            ". >= 0 and . <= 7",
            ("and", (">=", ("self",), ("number", 0.0)), ("<=", ("self",), ("number", 7.0))),
        ),
        ("1 + 2 * 3", ("+", ("number", 1.0), ("*", ("number", 2.0), ("number", 3.0)))),
        ("(1 + 2) * 3", ("*", ("+", ("number", 1.0), ("number", 2.0)), ("number", 3.0))),
        ("-${a} div 2", ("div", ("neg", ("ref", "a")), ("number", 2.0))),
        (
            "selected(${yn}, 'yes') or not(${x} = \"a b\")",
            (
                "or",
                ("call", "selected", ("ref", "yn"), ("text", "yes")),
                ("call", "not", ("=", ("ref", "x"), ("text", "a b"))),
            ),
        ),
        ("today()", ("call", "today")),
    ],
)
def test_what_the_form_can_read_is_read_as_a_tree(text, tree):
    assert parse(text).tree == tree


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("${x} >>> (", 6),
        ("(1 + 2", 6),
        ("nope(1)", 0),
        ("round(1, 2, 3)", 0),
        ("1 2", 2),
        ("", 0),
        ("${x} = #", 7),
    ],
)
def test_what_it_cannot_read_is_named_where_it_is(text, at):
    with pytest.raises(Unreadable) as refused:
        parse(text)
    assert refused.value.at == at and refused.value.message


def test_the_names_an_expression_reads_are_known():
    assert parse("${a} + ${b} > ${a}").names == {"a", "b"}


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_as_unreadable(text):
    with contextlib.suppress(Unreadable):
        parse(text)


def test_brackets_without_end_are_refused_not_recursed_into():
    deep = ("(" * 500 + "1" + ")" * 500, "not(" * 400 + "1" + ")" * 400, "-" * 1999 + "1")
    for text in (*deep, "1" * 3000, "+".join(["1"] * 1000)):
        with pytest.raises(Unreadable):
            parse(text)
    assert parse("(" * 10 + "1" + ")" * 10).tree == ("number", 1.0)
    assert evaluate(parse("+".join(["1"] * 301)).tree, {}) == 301.0  # the most operators


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_any_file_is_read_or_refused_with_problems(content):
    assert form_read(content).problems


TODAY = datetime.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("text", "answers", "this", "expected"),
    [
        ("${days} > 0", {"days": "3"}, "", True),
        ("${days} > 0", {"days": ""}, "", False),  # not answered: no number
        ("${days} > 0", {}, "", False),
        (". >= 0 and . <= 7", {}, "7", True),
        (". >= 0 and . <= 7", {}, "8", False),
        (". >= 0 and . <= 7", {}, "many", False),
        ("selected(${care}, 'centre')", {"care": "grandmother centre"}, "", True),
        ("selected(${care}, 'centre')", {"care": "grandmother"}, "", False),
        ("count-selected(${care}) = 2", {"care": "grandmother centre"}, "", True),
        ("${town} = 'Ahmedabad'", {"town": "Ahmedabad"}, "", True),
        ("${town} != 'Ahmedabad'", {"town": "Surat"}, "", True),
        ("${born} < today()", {"born": "2020-01-01"}, "", True),
        ("${born} < today()", {"born": "2026-01-01"}, "", False),
        (
            "not(${insured} = 'yes') or ${income} >= 1000",
            {"insured": "yes", "income": "1500"},
            "",
            True,
        ),
        ("string-length(.) <= 3", {}, "abcd", False),
        ("regex(., '^[0-9]{10}$')", {}, "9825011111", True),
        ("regex(., '^[0-9]{10}$')", {}, "98250 11111", False),
        ("regex(., '(')", {}, "x", False),  # a pattern that is no pattern matches nothing
    ],
)
def test_an_expression_holds_as_an_odk_form_would_have_it(text, answers, this, expected):
    assert holds(parse(text).tree, answers, this, TODAY) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("if(${x} > 1, 'big', 'small')", "big"),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(1.235, 2)", 1.24),
        ("int(-2.7)", -2.0),
        ("-7 mod 3", -1.0),
        ("7 div 2", 3.5),
        ("1 div 0", math.inf),
        ("concat('a', 1, true())", "a1true"),
        ("coalesce(${missing}, 'z')", "z"),
        ("${born} - ${then}", 31.0),
    ],
)
def test_an_expression_has_the_value_xpath_gives_it(text, expected):
    answers = {"x": "2", "born": "2025-02-01", "then": "2025-01-01"}
    assert evaluate(parse(text).tree, answers, "", TODAY) == expected


def test_what_is_no_number_stays_no_number():
    for text in ("0 div 0", "5 mod 0", "'a' + 1", "round('a')"):
        assert math.isnan(evaluate(parse(text).tree, {}, "", TODAY))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(" 12 ", 12.0), ("-.5", -0.5), ("5.", 5.0), ("007", 7.0), ("2025-06-30", 20269.0)],
)
def test_an_answer_is_a_number_as_xpath_writes_one(answer, expected):
    assert evaluate(parse("number(${x})").tree, {"x": answer}, "", TODAY) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "1e3",
        "inf",
        "-Infinity",
        "nan",
        "1_000",
        "+5",
        "\u0967\u0968",
        "0x10",
        "2025-W26-1",
        "2025-02-30",
    ],
)
def test_what_python_reads_as_a_number_and_xpath_does_not_is_no_number(answer):
    assert math.isnan(evaluate(parse("number(${x})").tree, {"x": answer}, "", TODAY))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789.()$-+*<>=!'{}abcdefghilmnorstuvxyz ,_", max_size=40),
    st.dictionaries(st.sampled_from(["a", "b", "x"]), st.text(max_size=12)),
    st.text(max_size=12),
)
def test_any_expression_read_gives_a_value_for_any_answers(text, answers, this):
    try:
        parsed = parse(text)
    except Unreadable:
        return
    evaluate(parsed.tree, answers, this, TODAY)


def test_a_number_is_written_in_ascii_digits_and_not_too_long():
    with pytest.raises(Unreadable):
        parse("${x} > ૧૦")
    with pytest.raises(Unreadable) as refused:
        parse("${x} > " + "9" * 400)
    assert "too long" in refused.value.message
    assert parse("${x} > " + "9" * 30).tree == (">", ("ref", "x"), ("number", float("9" * 30)))
