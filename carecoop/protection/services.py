"""Every write to a cooperative's register of social protection.

A household's steps with a scheme are recorded in the order they happened, each dated no later
than today and no earlier than the step before it, and each one that may follow the last
(``TRANSITIONS``): a family applies, then is enrolled or refused; an enrolled family may leave;
a refused family may apply again, and one that left may apply again or be enrolled again at
once (a membership renewed). A family already enrolled when the cooperative began to help is
recorded as enrolled without an application. A step recorded by mistake is taken back while it
is the last (``step_remove``); its history row keeps who took it back."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core.dates import day_text
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Household
from carecoop.protection.models import Scheme, SchemeKind, SchemeStep, StepStatus
from carecoop.tenancy.models import Organisation

# What may follow a household's last step with a scheme (None: it has none yet). An application
# given up is recorded as "left".
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({StepStatus.APPLIED, StepStatus.ENROLLED}),
    StepStatus.APPLIED: frozenset({StepStatus.ENROLLED, StepStatus.REFUSED, StepStatus.LEFT}),
    StepStatus.ENROLLED: frozenset({StepStatus.LEFT}),
    StepStatus.REFUSED: frozenset({StepStatus.APPLIED}),
    StepStatus.LEFT: frozenset({StepStatus.APPLIED, StepStatus.ENROLLED}),
}


@transaction.atomic
def scheme_save(
    *,
    coop: Organisation,
    by: Actor,
    name: str,
    kind: str,
    active: bool = True,
    scheme: Scheme | None = None,
) -> Scheme:
    """Add a scheme to the cooperative's register, or change the one given."""
    if scheme is None:
        scheme = Scheme(coop=coop)
    else:
        same_coop_check(coop.pk, scheme)
        scheme = Scheme.objects.select_for_update().get(coop_id=coop.pk, pk=scheme.pk)
    if kind not in SchemeKind.values:
        raise ValidationError({"kind": _("Choose a kind of scheme.")})
    scheme.name, scheme.kind, scheme.active = name.strip(), kind, active
    validated_save(scheme, by=by)
    return scheme


def _last(household: Household, scheme: Scheme) -> SchemeStep | None:
    return (
        SchemeStep.objects.filter(coop_id=household.coop_id, household=household, scheme=scheme)
        .order_by("-on", "-pk")
        .first()
    )


def _lock(household: Household) -> None:
    """Hold the household's row until the write ends: two steps recorded for it at once are
    checked one after the other, each against the last."""
    Household.objects.select_for_update().filter(coop_id=household.coop_id, pk=household.pk).get()


@transaction.atomic
def step_record(
    *,
    household: Household,
    scheme: Scheme,
    by: Actor,
    status: str,
    on: datetime.date,
    helped_by: str = "",
    note: str = "",
) -> SchemeStep:
    """Record one step of ``household`` with ``scheme``, checked against its last step."""
    same_coop_check(household.coop_id, scheme)
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose what happened.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    _lock(household)
    last = _last(household, scheme)
    if last is not None and on < last.on:
        raise ValidationError(
            {
                "on": _(
                    "The family's last step with this scheme is dated %(date)s: record the "
                    "steps in the order they happened."
                )
                % {"date": day_text(last.on)}
            }
        )
    if status not in TRANSITIONS[last.status if last else None]:
        if last is None:
            message = _("A family's first step with a scheme is to apply or to be enrolled.")
        else:
            message = _(
                "This cannot follow the family's last step with this scheme: "
                "“%(status)s” on %(date)s."
            ) % {"status": last.get_status_display(), "date": day_text(last.on)}
        raise ValidationError({"status": message})
    if status == StepStatus.APPLIED and not scheme.active:
        raise ValidationError(
            {"scheme": _("The cooperative no longer helps families apply to this scheme.")}
        )
    step = SchemeStep(
        coop_id=household.coop_id,
        household=household,
        scheme=scheme,
        status=status,
        on=on,
        helped_by=helped_by.strip(),
        note=note.strip(),
        recorded_by=by,
    )
    validated_save(step, by=by)
    return step


@transaction.atomic
def step_remove(*, step: SchemeStep, by: Actor) -> None:
    """Take back a step recorded by mistake. Only the household's last step with the scheme
    can be taken back: an earlier one is what the later ones followed."""
    household = step.household
    _lock(household)
    last = _last(household, step.scheme)
    if last is None or last.pk != step.pk:
        raise ValidationError(_("Only the family's last step with a scheme can be taken back."))
    step._history_user = by  # type: ignore[attr-defined]
    step.delete()
