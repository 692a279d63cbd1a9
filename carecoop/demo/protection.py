"""Social protection for the demonstration cooperatives: the schemes of each country that the
cooperative helps its families reach, named as its families know them, and each household's
steps with them over the last two years, as an organising project records them.

Of the households with a member, about 58 % reach a public service and about 43 % an insurance
(the organising project in the seeds reported 57.6 % and 42.8 %); the others have applied and
wait, were refused, or left. The steps of the past are entered in bulk, as from the paper
register, each household's in an order the register accepts (``protection.services``)."""

import datetime
import random

from django.db.models import Q

from carecoop.core.types import Actor
from carecoop.demo import data
from carecoop.members.models import Membership
from carecoop.protection import services
from carecoop.protection.models import SchemeKind, SchemeStep, StepStatus
from carecoop.tenancy.models import Organisation

PUBLIC, HEALTH, PENSION = (
    SchemeKind.PUBLIC_SERVICES,
    SchemeKind.HEALTH_INSURANCE,
    SchemeKind.PENSION,
)
MATERNITY, REGISTRATION = SchemeKind.MATERNITY, SchemeKind.REGISTRATION

# Each cooperative's schemes: name, kind, and its part — "public" (the public services that
# 58 % of families reach), "insurance" (the insurance 43 % reach), or the share of families
# enrolled in it.
SCHEMES: dict[str, list[tuple[str, str, str | float]]] = {
    "shakti-creches": [
        ("Ration card (public distribution system)", PUBLIC, "public"),
        ("Ayushman Bharat (PM-JAY)", HEALTH, "insurance"),
        ("e-Shram", REGISTRATION, 0.62),
        ("Atal Pension Yojana", PENSION, 0.14),
        ("Pradhan Mantri Matru Vandana Yojana", MATERNITY, 0.07),
    ],
    "manos-unidas": [
        ("Bono Social (MIDES)", PUBLIC, "public"),
        ("Seguro mutual de salud", HEALTH, "insurance"),
        ("DPI (RENAP)", REGISTRATION, 0.81),
        ("Programa del Adulto Mayor", PENSION, 0.06),
    ],
    "recicla-bh": [
        ("Bolsa Família", PUBLIC, "public"),
        ("Tarifa Social de Energia Elétrica", PUBLIC, 0.4),
        ("CadÚnico", REGISTRATION, 0.74),
        ("INSS - contribuinte facultativo de baixa renda", PENSION, "insurance"),
        ("Salário-maternidade", MATERNITY, 0.05),
    ],
}
SHARES = {"public": 0.58, "insurance": 0.43}
# Of the families that have not reached a scheme: waiting on an application, refused, left.
WAITING, REFUSED, LEFT = 0.16, 0.08, 0.06
HISTORY_DAYS = 730


def load(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> int:
    """The cooperative's schemes and its households' steps; returns the steps written."""
    plan = SCHEMES.get(coop.slug, [])
    schemes = [
        (services.scheme_save(coop=coop, by=by, name=name, kind=kind), part)
        for name, kind, part in plan
    ]
    names = data.NAMES[coop.slug]
    helpers = [f"{rng.choice(names['women'])} {rng.choice(names['families'])}" for _i in range(3)]
    # Each household with a member today, from the day its first member was admitted.
    joined: dict[int, datetime.date] = {}
    for household_id, admitted_on in (
        Membership.objects.filter(
            ~Q(person__household=None), admitted_on__isnull=False, exited_on__isnull=True
        )
        .order_by("admitted_on", "pk")
        .values_list("person__household_id", "admitted_on")
    ):
        joined.setdefault(household_id, admitted_on)
    households = sorted(joined)
    # The families that reach a public service, and those that reach an insurance: drawn as a
    # share of the households, not one by one, so the shares are the project's however few.
    reaching = {
        part: set(rng.sample(households, round(share * len(households))))
        for part, share in SHARES.items()
    }
    steps: list[SchemeStep] = []
    for household_id in households:
        since = max(joined[household_id], today - datetime.timedelta(days=HISTORY_DAYS))
        public = household_id in reaching["public"]
        for scheme, part in schemes:
            if isinstance(part, str):
                reached = household_id in reaching[part]
            elif scheme.kind == PUBLIC:  # a second public service, for some who reach the first
                reached = public and rng.random() < part / SHARES["public"]
            else:
                reached = rng.random() < part
            for status, on in _path(rng, reached, since, today):
                steps.append(
                    SchemeStep(
                        coop_id=coop.pk,
                        household_id=household_id,
                        scheme=scheme,
                        status=status,
                        on=on,
                        helped_by=rng.choice(helpers),
                        recorded_by=by,
                    )
                )
    SchemeStep.objects.bulk_create(steps, batch_size=2000)
    return len(steps)


def _path(
    rng: random.Random, reached: bool, since: datetime.date, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    """One household's steps with one scheme, oldest first: enrolled (most after applying) when
    it ``reached`` the scheme; else waiting on an application, refused, left, or none."""
    span = max(0, (today - since).days)
    start = since + datetime.timedelta(days=rng.randint(0, span))
    later = min(today, start + datetime.timedelta(days=rng.randint(15, 120)))
    path: list[tuple[str, datetime.date]]
    if reached:
        path = [(StepStatus.ENROLLED, start)]
        if rng.random() < 0.8:
            path = [(StepStatus.APPLIED, start), (StepStatus.ENROLLED, later)]
    else:
        draw = rng.random()
        if draw < WAITING:
            path = [(StepStatus.APPLIED, start)]
        elif draw < WAITING + REFUSED:
            path = [(StepStatus.APPLIED, start), (StepStatus.REFUSED, later)]
        elif draw < WAITING + REFUSED + LEFT:
            path = [(StepStatus.ENROLLED, start), (StepStatus.LEFT, later)]
        else:
            path = []
    _check(path)
    return path


def _check(path: list[tuple[str, datetime.date]]) -> None:
    """The steps follow one another as the register accepts them."""
    last: str | None = None
    for status, _on in path:
        assert status in services.TRANSITIONS[last], (last, status)
        last = status
