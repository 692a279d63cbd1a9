"""Every app's test factories build rows that pass the models' own validation."""

import importlib
import inspect
from pathlib import Path
from typing import Any

import factory
import pytest
from django_scopes import scopes_disabled

ROOT = Path(__file__).resolve().parents[2]


def all_factories() -> list[Any]:
    found = []
    for path in sorted(ROOT.glob("*/tests/factories.py")):
        module = importlib.import_module(f"carecoop.{path.parent.parent.name}.tests.factories")
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, factory.django.DjangoModelFactory)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_every_domain_app_has_its_factories() -> None:
    apps = {f.__module__.split(".")[1] for f in all_factories()}
    wanted = {"tenancy", "members", "care", "capital", "governance", "staffing", "health"}
    assert wanted | {"billing", "funding", "ledger"} <= apps


@pytest.mark.django_db
@pytest.mark.parametrize(
    "made_by", all_factories(), ids=lambda f: f"{f.__module__.split('.')[1]}.{f.__name__}"
)
def test_a_factory_builds_a_valid_row(made_by: Any) -> None:
    with scopes_disabled():
        row = made_by()
        row.full_clean()
