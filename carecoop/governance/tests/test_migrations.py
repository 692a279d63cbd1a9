"""Results counted before the class-split rule lose the splits the rule hides."""

import datetime

import pytest

from carecoop.testing import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("governance", "0003_members_see_names")]
AFTER = [("governance", "0004_hide_disclosing_class_splits")]


def motion_result(weighted, workers, parents):
    def row(name, marks):
        f, a = marks
        return {
            "name": name,
            "weight": "50",
            "for": f,
            "against": a,
            "abstain": 0,
            "present": f + a,
        }

    return {
        "weighted": weighted,
        "for": "1",
        "by_class_hidden_below": 0,
        "classes": [row("Care worker", workers), row("Parent", parents)],
    }


def test_splits_counted_before_the_rule_are_hidden_where_the_rule_hides_them():
    apps = migrate_to(BEFORE)
    try:
        coop = apps.get_model("tenancy", "Organisation").objects.create(
            slug="one", name="One", kind="cooperative", ilo_type="worker", currency="USD"
        )
        body = apps.get_model("governance", "Body").objects.create(
            coop=coop, kind="assembly", name="General assembly"
        )
        meeting = apps.get_model("governance", "Meeting").objects.create(
            coop=coop,
            body=body,
            title="Assembly",
            notice_on=datetime.date(2026, 1, 1),
            first_call_at=datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC),
            place="Hall",
        )
        Question = apps.get_model("governance", "Question")

        def question(title, method, result, kind="motion"):
            return Question.objects.create(
                coop=coop,
                meeting=meeting,
                body=body if kind == "election" else None,
                kind=kind,
                title=title,
                method=method,
                status="closed",
                result=result,
            ).pk

        unanimous = question("13 of 13", "secret", motion_result(True, (13, 0), (5, 5)))
        balanced = question("7 to 6", "secret", motion_result(True, (7, 6), (5, 5)))
        unweighted = question("Heads", "paper", motion_result(False, (7, 6), (5, 5)))
        hands = question("Hands", "open", motion_result(False, (13, 0), (5, 5)))
        election = question(
            "Board",
            "secret",
            {
                "weighted": True,
                "by_class_hidden_below": 0,
                "groups": [
                    {
                        "class": "Care worker",
                        "seats": 1,
                        "candidates": [
                            {
                                "name": "A",
                                "votes": "50",
                                "by_class": {"Care worker": 13, "Parent": 5},
                            }
                        ],
                    }
                ],
                "ballots": [
                    {"name": "Care worker", "ballots": 13},
                    {"name": "Parent", "ballots": 10},
                ],
            },
            kind="election",
        )
        apps = migrate_to(AFTER)
        Question = apps.get_model("governance", "Question")
        result = {q.pk: q.result for q in Question.objects.all()}
        assert result[unanimous]["by_class_hidden"] == "disclosing"
        assert result[unanimous]["by_class_hidden_below"] == 5
        assert all("for" not in row for row in result[unanimous]["classes"])
        assert result[balanced]["by_class_hidden"] == ""
        assert result[balanced]["classes"][0]["for"] == 7
        assert result[unweighted]["by_class_hidden"] == "unweighted"
        assert all("for" not in row for row in result[unweighted]["classes"])
        assert result[hands]["classes"][0]["for"] == 13
        assert result[election]["by_class_hidden"] == "disclosing"
        assert result[election]["groups"][0]["candidates"][0]["by_class"] == {}
    finally:
        migrate_to_latest()
