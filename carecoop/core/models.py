"""The tenant-owned base model: every row a cooperative owns carries its key."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class CoopManager(type(ScopedManager(coop="coop"))):  # type: ignore[misc]
    """The scoped manager of django-scopes, given a module-level name so type checkers find it."""


class CoopOwned(models.Model):
    """A row that belongs to one cooperative.

    Queries through ``objects`` fail unless a cooperative scope is active (django-scopes), and are
    filtered to that cooperative when it is. The key is ``coop`` everywhere so a distributed
    PostgreSQL (Citus) can shard on it; unique constraints and indexes lead with it.
    """

    coop = models.ForeignKey(
        "tenancy.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cooperative"),
    )

    objects = CoopManager()

    # Foreign keys to other tenant-owned rows that must belong to the same cooperative.
    same_coop_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        check_same_coop(self, *self.same_coop_fields)


def check_same_coop(obj: Any, *field_names: str) -> None:
    """Refuse a link to a row of another cooperative, whatever the form or import offered."""
    errors = {}
    for name in field_names:
        related_id = getattr(obj, f"{name}_id", None)
        if related_id is None:
            continue
        field = obj._meta.get_field(name)
        related_model = field.related_model
        owner = related_model._base_manager.filter(pk=related_id).values_list("coop_id", flat=True)
        if list(owner) != [obj.coop_id]:
            errors[name] = ValidationError(
                _("This choice belongs to another cooperative."), code="other_coop"
            )
    if errors:
        raise ValidationError(errors)
