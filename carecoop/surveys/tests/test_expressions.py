"""The expressions of a form's skip logic and constraints, read into trees: what the form can
read is read, and anything else, however odd, is named as unreadable and where, never an error
of another kind."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecoop.surveys.expressions import Unreadable, parse
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
    for text in (*deep, "1" * 3000):
        with pytest.raises(Unreadable):
            parse(text)
    assert parse("(" * 10 + "1" + ")" * 10).tree == ("number", 1.0)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_any_file_is_read_or_refused_with_problems(content):
    assert form_read(content).problems
