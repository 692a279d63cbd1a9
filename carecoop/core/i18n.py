"""Compile the message catalogues with babel and refuse any that is incomplete.

Django's ``compilemessages`` needs GNU gettext; babel does the same in pure Python, so a fresh
machine with only Python can build the catalogues. Every entry must be translated, none fuzzy, and
every named placeholder of the source must appear in each translation.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}|%[sd]")


@dataclass
class Problem:
    path: Path
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}: {self.msgid!r}"


def _placeholders(text: str) -> set[str]:
    return {
        m.group(0) if not (m.group(1) or m.group(2)) else (m.group(1) or m.group(2))
        for m in PLACEHOLDER.finditer(text)
    }


def _texts(value: object) -> tuple[str, ...]:
    """A message's id or translation: one text, or a text per plural form."""
    if isinstance(value, tuple | list):
        return tuple(str(text or "") for text in value)
    return (str(value or ""),)


def check_catalogue(path: Path) -> list[Problem]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = _texts(message.id)
        strings = _texts(message.string)
        shown = ids[0]
        if message.fuzzy:
            problems.append(Problem(path, shown, "fuzzy"))
        if not all(strings):
            problems.append(Problem(path, shown, "untranslated"))
            continue
        wanted = _placeholders(ids[-1]) | _placeholders(ids[0])
        for string in strings:
            missing = {p for p in _placeholders(ids[0]) if p != "%d"} - _placeholders(string)
            extra = _placeholders(string) - wanted
            if missing or extra:
                problems.append(Problem(path, shown, f"placeholders differ: {string!r}"))
    return problems


def compile_catalogue(path: Path) -> None:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    with path.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
