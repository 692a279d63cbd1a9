"""Every catalogue is complete, and every text the product ships as data is in every one.

The texts shipped as data are collected from the code: the tables each app declares in its
``shipped.py`` (``core.shipped``), the texts of the data files those tables must hold (ratio rule
sets, vaccination schedules, the demonstration's holidays) and the marks of the paper register.
A text missing from a catalogue, or translated by an empty string or a fuzzy one, fails here.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

import carecoop
from carecoop.care.selectors import REGISTER_MARKS
from carecoop.core import shipped
from carecoop.core.i18n import check_catalogue
from carecoop.demo import data as demo_data
from carecoop.health.schedules import schedules
from carecoop.ledger.chart import DEFAULT_CHART
from carecoop.staffing.loader import rule_set_files

CATALOGUES = sorted(
    path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/django.po")
)


def _language(path: Path) -> str:
    return path.parts[-3]


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_language_but_english_has_a_catalogue():
    wanted = {translation.to_locale(code) for code, _name in settings.LANGUAGES} - {"en"}
    assert {_language(path) for path in CATALOGUES} == wanted
    assert len(wanted) == 7


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
def test_every_entry_of_a_catalogue_is_translated(path):
    assert [str(problem) for problem in check_catalogue(path)] == []


def _product_modules() -> list[str]:
    skip = (".tests", ".migrations", ".management")
    return [
        info.name
        for info in pkgutil.walk_packages(carecoop.__path__, "carecoop.")
        if not any(part in info.name for part in skip)
        and info.name.rsplit(".", 1)[-1] not in ("conftest", "testing", "browser")
    ]


def test_every_table_of_shipped_texts_is_found_when_the_apps_start():
    """``shown`` translates the texts of the tables declared when the apps are ready (each app's
    ``shipped.py``); a table declared in any other module would be missed at first."""
    declared = dict(shipped.TABLES)
    for name in _product_modules():
        importlib.import_module(name)
    assert set(shipped.TABLES) == set(declared)
    assert {"ledger.chart", "members.reasons", "staffing.rule_sets", "health.vaccines"} <= set(
        declared
    )


def _is_word(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _data_file_texts() -> set[str]:
    """The texts of the data the product ships that a person reads."""
    texts = {str(name) for _code, name, _kind in DEFAULT_CHART}
    for rule_set in rule_set_files():
        texts |= {rule_set["name"], rule_set.get("notes", "")}
    for schedule in schedules().values():
        texts.add(schedule.name)
        for dose in schedule.doses:
            texts |= {dose.vaccine, dose.dose}
    for closures in (demo_data.EASTER_CLOSURES, demo_data.DIWALI_CLOSURES):
        texts |= {reason for _offset, _length, reason in closures.values()}
    return {text for text in texts if _is_word(text)}


def test_every_text_of_the_data_files_is_in_a_table():
    missing = sorted(text for text in _data_file_texts() if not shipped.is_shipped(text))
    assert missing == [], "mark these in the app's shipped.py"


def _shipped_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every text shipped as data, and of the register's marks."""
    messages: set[tuple[str | None, str]] = {
        (None, text) for table in shipped.TABLES.values() for text in table
    }
    for mark in REGISTER_MARKS.values():
        context, msgid = mark._args  # a lazy pgettext keeps its arguments
        messages.add((context, msgid))
    return messages


def test_the_shipped_texts_are_collected():
    messages = _shipped_messages()
    assert (None, "Cash") in messages
    assert (None, "National Creche Scheme (India), 2017") in messages
    assert (None, "Pentavalent") in messages
    assert ("attendance register mark", "P") in messages
    assert len(messages) > 60


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
def test_every_shipped_text_is_translated_in_every_catalogue(path):
    catalogue = _read(path)
    missing = []
    for context, msgid in sorted(_shipped_messages(), key=lambda m: (m[0] or "", m[1])):
        message = catalogue.get(msgid, context=context)
        if message is None or message.fuzzy or not message.string:
            missing.append(f"{context}|{msgid}" if context else msgid)
    assert missing == [], f"{_language(path)}: {len(missing)} shipped texts untranslated"
