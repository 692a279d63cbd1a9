"""Motions closed before results were given as shares of their majority's base get their shares
and votes by head from the figures they kept, so their minutes read like every later motion's."""

from fractions import Fraction

from django.db import migrations


def shares(apps, schema_editor):
    Question = apps.get_model("governance", "Question")
    for question in Question.objects.filter(kind="motion", status="closed").iterator():
        result = question.result or {}
        if "shares" in result or "base" not in result:
            continue
        try:
            base = Fraction(result["base"])
            in_favour, against, abstain = (
                Fraction(result[k]) for k in ("for", "against", "abstain")
            )
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue
        kind = question.majority_base
        zero = Fraction(0)
        f, a, b = (
            (in_favour / base, against / base, abstain / base) if base > 0 else (zero,) * 3
        )
        result["base_kind"] = kind
        result["shares"] = {
            "for": float(f),
            "against": float(a),
            "abstain": float(b) if kind == "present" else None,
            "silent": float(max(zero, 1 - f - a - b)) if kind == "present" else None,
        }
        rows = [row for row in result.get("classes", []) if "for" in row]
        if rows and len(rows) == len(result.get("classes", [])):
            result["heads"] = {
                key: sum(int(row.get(key, 0)) for row in rows)
                for key in ("for", "against", "abstain")
            }
        question.result = result
        question.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_numbering")]

    operations = [migrations.RunPython(shares, migrations.RunPython.noop)]
