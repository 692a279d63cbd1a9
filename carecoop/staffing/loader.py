"""Loads the ratio rule sets shipped in ``rulesets/*.json``: idempotent, run by a migration."""

import datetime
import json
from pathlib import Path
from typing import Any

RULESETS = Path(__file__).resolve().parent / "rulesets"


def rule_set_files() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(RULESETS.glob("*.json"))
    ]


def rule_sets_load(model: Any) -> int:
    """Create or update each rule set by its code; returns how many files were read."""
    files = rule_set_files()
    for data in files:
        effective_to = data.get("effective_to")
        model.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "jurisdiction": data["jurisdiction"],
                "version": data["version"],
                "effective_from": datetime.date.fromisoformat(data["effective_from"]),
                "effective_to": datetime.date.fromisoformat(effective_to) if effective_to else None,
                "method": data["method"],
                "rules": data["rules"],
                "notes": data.get("notes", ""),
            },
        )
    return len(files)
