"""Results of secret and paper ballots counted before the class-split rule keep counts by member
class only where the rule allows them now: where the statutes weigh votes by class, and no class
split tells how all, or all but fewer than CARECOOP_SMALL_CELL, of a class voted. The rule as it
stood when this migration was written (``services._class_split_hidden``)."""

from typing import Any

from django.conf import settings
from django.db import migrations
from django_scopes import scopes_disabled

MOTION_KEYS = ("for", "against", "abstain", "present")


def _motion(result: dict[str, Any], small: int) -> str:
    rows = result.get("classes", [])
    cast = [[int(row.get(k, 0)) for k in MOTION_KEYS[:3]] for row in rows]
    cast = [marks for marks in cast if sum(marks)]
    if len(cast) <= 1:
        return ""
    if not result.get("weighted"):
        return "unweighted"
    for marks in cast:
        n = sum(marks)
        if n < small or any(k and n - k < small for k in marks):
            return "disclosing"
    return ""


def _election(result: dict[str, Any], small: int) -> str:
    ballots = {b["name"]: int(b["ballots"]) for b in result.get("ballots", []) if b["ballots"]}
    if len(ballots) <= 1:
        return ""
    if not result.get("weighted"):
        return "unweighted"
    if any(n < small for n in ballots.values()):
        return "disclosing"
    for group in result.get("groups", []):
        for candidate in group.get("candidates", []):
            for name, k in candidate.get("by_class", {}).items():
                n = ballots.get(name, 0)
                if k and n - int(k) < small:
                    return "disclosing"
    return ""


def hide(apps: Any, schema_editor: Any) -> None:
    Question = apps.get_model("governance", "Question")
    small = settings.CARECOOP_SMALL_CELL
    with scopes_disabled():
        closed = Question.objects.filter(status="closed").exclude(method="open")
        for question in closed.iterator():
            result = dict(question.result or {})
            if "by_class_hidden" in result:
                continue
            if result.get("by_class_hidden_below"):
                reason = "disclosing"
            elif question.kind == "motion":
                reason = _motion(result, small)
            else:
                reason = _election(result, small)
            result["by_class_hidden"] = reason
            if reason:
                result["by_class_hidden_below"] = small if reason == "disclosing" else 0
                for row in result.get("classes", []):
                    for key in MOTION_KEYS:
                        row.pop(key, None)
                for group in result.get("groups", []):
                    for candidate in group.get("candidates", []):
                        candidate["by_class"] = {}
            question.result = result
            question.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_members_see_names")]

    operations = [migrations.RunPython(hide, migrations.RunPython.noop)]
