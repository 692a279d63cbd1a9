"""Words the product ships as data: the chart of accounts, the reasons services write in the
registers, the ratio rule sets, the vaccination schedules, the demonstration's own records.

Such a text is stored in its row in English, as it is written in the code, where it is marked
with ``gettext_noop`` (so ``makemessages`` collects it) and listed in a table declared here with
``labels``. It is translated where it is shown: ``shown(text)`` in Python, ``|shipped`` in a
template. A text no table holds is shown as stored, so a name a cooperative typed stays as typed.
Texts kept in data files (``staffing/rulesets``, ``health/schedules``) are marked again in the
module that reads them; ``core/tests/test_catalogues.py`` checks that every text of those files is
in a table and every table's text is translated in every catalogue.
"""

from django.utils.translation import gettext

TABLES: dict[str, frozenset[str]] = {}
_ALL: set[str] = set()


def labels(name: str, *texts: str) -> frozenset[str]:
    """Declare the texts one part of the product ships, under a name (``"ledger.chart"``)."""
    table = frozenset(texts)
    TABLES[name] = table
    _ALL.update(table)
    return table


def is_shipped(text: str) -> bool:
    return text in _ALL


def shown(text: str) -> str:
    """The text in the active language if the product ships it, else as stored."""
    return gettext(text) if text in _ALL else text
