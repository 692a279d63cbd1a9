"""Vaccination schedules as country data files (schedules/*.json), and what is due when.

Each dose is due a number of days after birth and, in a series, not before a minimum interval after
the previous dose. A dose is "due" from its due date for ``grace_days``, then "overdue" until the
child passes ``max_age_days``, when it is "missed" (the health worker decides on catch-up).
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from carecoop.core.shipped import shown

FOLDER = Path(__file__).resolve().parent / "schedules"

STATUS = {
    "given": _("Given"),
    "upcoming": _("Not yet due"),
    "due": _("Due"),
    "overdue": _("Overdue"),
    "missed": _("Past the age limit"),
    "waiting": _("After the previous dose"),
}


@dataclass(frozen=True)
class Dose:
    code: str
    vaccine: str
    dose: str
    due_days: int
    min_age_days: int
    grace_days: int
    max_age_days: int
    after: str = ""
    min_interval_days: int = 0

    @property
    def label(self) -> str:
        """The vaccine and the dose in the reader's language (``health/shipped.py``)."""
        # Translators: a dose of a vaccine, e.g. "Pentavalent 1" or "BCG Birth dose".
        return _("%(vaccine)s %(dose)s") % {
            "vaccine": shown(self.vaccine),
            "dose": shown(self.dose),
        }


@dataclass(frozen=True)
class Schedule:
    code: str
    name: str
    country: str
    version: str
    source: str
    doses: tuple[Dose, ...]

    def dose(self, code: str) -> Dose | None:
        return next((d for d in self.doses if d.code == code), None)


@cache
def schedules() -> dict[str, Schedule]:
    result = {}
    for path in sorted(FOLDER.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        doses = tuple(Dose(**dose) for dose in raw["doses"])
        result[raw["country"]] = Schedule(
            raw["code"], raw["name"], raw["country"], raw["version"], raw["source"], doses
        )
    return result


def schedule_for(country: str) -> Schedule | None:
    return schedules().get(country)


@dataclass(frozen=True)
class DoseStatus:
    dose: Dose
    status: str
    due_on: datetime.date | None
    given_on: datetime.date | None

    @property
    def label(self) -> str:
        return str(STATUS[self.status])


def statuses(
    schedule: Schedule, born: datetime.date, given: dict[str, datetime.date], on: datetime.date
) -> list[DoseStatus]:
    """The state of every dose of the schedule for one child on a day."""
    result = []
    for dose in schedule.doses:
        if dose.code in given:
            result.append(DoseStatus(dose, "given", None, given[dose.code]))
            continue
        if dose.after and dose.after not in given:
            result.append(DoseStatus(dose, "waiting", None, None))
            continue
        due = born + datetime.timedelta(days=dose.due_days)
        if dose.after:
            due = max(due, given[dose.after] + datetime.timedelta(days=dose.min_interval_days))
        if on > born + datetime.timedelta(days=dose.max_age_days):
            status = "missed"
        elif on < due:
            status = "upcoming"
        elif on <= due + datetime.timedelta(days=dose.grace_days):
            status = "due"
        else:
            status = "overdue"
        result.append(DoseStatus(dose, status, due, None))
    return result


def refusal(
    schedule: Schedule,
    dose: Dose,
    born: datetime.date,
    given: dict[str, datetime.date],
    on: datetime.date,
) -> str | None:
    """Why a dose cannot be recorded as given on ``on``, in words, or None when it can."""
    if on < born + datetime.timedelta(days=dose.min_age_days):
        return str(
            _("%(dose)s is not given before %(days)s days of age.")
            % {"dose": dose.label, "days": dose.min_age_days}
        )
    if dose.after:
        previous = schedule.dose(dose.after)
        if dose.after not in given:
            return str(
                _("Record %(previous)s first.") % {"previous": previous.label if previous else ""}
            )
        if on < given[dose.after] + datetime.timedelta(days=dose.min_interval_days):
            return str(
                _("%(dose)s needs at least %(days)s days after %(previous)s.")
                % {
                    "dose": dose.label,
                    "days": dose.min_interval_days,
                    "previous": previous.label if previous else "",
                }
            )
    return None
