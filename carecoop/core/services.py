"""Helpers every app's services share."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _


def validated_save(instance: Any, *, by: Any) -> None:
    """Validate every field and constraint, then save, recording who made the change (the
    history row is written in the same transaction). A race that validation could not see ends
    as a validation error too, so callers have one kind of failure to show."""
    instance.full_clean()
    instance._history_user = by
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("This record conflicts with one saved at the same time.")) from exc
