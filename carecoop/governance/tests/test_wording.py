"""Governance speaks as a person writes: labels in sentence case with no colon after them, and
every count with a noun in its plural form."""

import datetime
import inspect

from django import forms as django_forms
from django.template.loader import render_to_string
from django.utils.translation import override

from carecoop.governance import forms, rules


def test_every_label_is_in_sentence_case_with_no_colon():
    classes = [
        c
        for _name, c in inspect.getmembers(forms, inspect.isclass)
        if issubclass(c, django_forms.Form) and c.__module__ == forms.__name__
    ]
    assert forms.MeetingForm in classes and forms.SeatsForm in classes
    for form_class in classes:
        assert issubclass(form_class, forms.Form), form_class
        for name, field in form_class.base_fields.items():
            if field is None:
                continue
            label = str(field.label)
            assert label[:1].isupper() and not label.endswith(":"), (form_class, name, label)
    html = str(forms.AgendaItemForm()["title"].label_tag())
    assert html.endswith(">Item</label>")


def standing(**changes):
    values = {
        "status": "active",
        "admitted_on": datetime.date(2020, 1, 1),
        "may_vote": True,
        "may_hold_office": True,
        "paid_shares": 1,
        "min_paid_shares": 2,
        "arrears_months": 1,
        "max_arrears_months": 0,
        "min_months_member": 0,
    }
    return rules.Standing(**{**values, **changes})


def test_refusals_count_in_plural_forms():
    on = datetime.date(2026, 12, 1)
    with override("en"):
        one = rules.vote_refusals(standing(), on)
        two = rules.vote_refusals(standing(paid_shares=0, arrears_months=2), on)
    assert "1 share paid up; the statutes ask for at least 2." in one
    assert "An instalment of shares has been overdue for 1 month; at most 0 are allowed." in one
    assert "0 shares paid up; the statutes ask for at least 2." in two
    assert "An instalment of shares has been overdue for 2 months; at most 0 are allowed." in two


def test_seats_in_a_result_count_in_plural_forms():
    def shown(seats: int, name: str) -> str:
        question = {
            "kind": "election",
            "result": {
                "groups": [
                    {"class": name, "seats": seats, "candidates": [], "tie": [], "vacant": 0}
                ]
            },
        }
        with override("en"):
            return " ".join(render_to_string("governance/_result.html", {"q": question}).split())

    assert "1 seat for <bdi>Parent</bdi>" in shown(1, "Parent")
    assert "2 seats for <bdi>Parent</bdi>" in shown(2, "Parent")
    assert "1 open seat<" in shown(1, "")
    assert "3 open seats<" in shown(3, "")
