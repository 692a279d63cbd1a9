"""Board decisions, numbered per year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.core.numbering import number_next
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.governance.models import (
    BoardDecision,
    Meeting,
    Question,
)
from carecoop.tenancy.models import Organisation


@transaction.atomic
def decision_record(
    *,
    coop: Organisation,
    by: Actor,
    decided_on: datetime.date,
    title: str,
    text: str = "",
    meeting: Meeting | None = None,
    question: Question | None = None,
) -> BoardDecision:
    """Record a board decision under the next number of its year: BD-2026-014."""
    same_coop_check(coop.pk, meeting, question)
    if not title.strip():
        raise ValidationError({"title": _("Say what was decided.")})
    number = number_next(coop_id=coop.pk, key=f"governance.BD-{decided_on.year}")
    decision = BoardDecision(
        coop=coop,
        number=f"BD-{decided_on.year}-{number:03d}",
        decided_on=decided_on,
        title=title,
        text=text,
        meeting=meeting,
        question=question,
    )
    validated_save(decision, by=by)
    return decision
