"""How a person's name is written: given name first ("Jyoti Chavda") or family name first
("Chavda Jyoti"), as each cooperative chooses (``tenancy.Organisation.name_order``).

The order is a setting of the page, like its language and time zone: the access middleware
activates the cooperative's order for the view and its rendering (``override``), and every
name shown goes through ``person_name``, so a list reads the order once, not once a row. A
service that writes a name into a record outside a page (a billing run from the command line)
passes its cooperative's order. Lists stay sorted by family name whatever the order."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class NameOrder(models.TextChoices):
    GIVEN_FIRST = "given", _("Given name first")
    FAMILY_FIRST = "family", _("Family name first")


_active: ContextVar[str] = ContextVar("carecoop_name_order", default=NameOrder.GIVEN_FIRST)


def active() -> str:
    """The order of names in effect (given name first where no cooperative has set one)."""
    return _active.get()


@contextmanager
def override(order: str) -> Iterator[None]:
    """Write names in ``order`` inside the block (an unknown value: given name first)."""
    token = _active.set(order if order in NameOrder.values else NameOrder.GIVEN_FIRST)
    try:
        yield
    finally:
        _active.reset(token)


def person_name(given: str, family: str, order: str | None = None) -> str:
    """``given`` and ``family`` in ``order`` (by default the active one), one space between."""
    first_family = (order or _active.get()) == NameOrder.FAMILY_FIRST
    parts = (family, given) if first_family else (given, family)
    return " ".join(part.strip() for part in parts if part and part.strip())
