"""Writes for organisations, affiliations and roles."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django_scopes import scope

from carecoop.tenancy.models import Affiliation, Centre, Organisation, Role, RolePerson, Shares


@transaction.atomic
def organisation_create(**fields: Any) -> Organisation:
    org = Organisation(**fields)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def affiliation_create(
    *,
    member: Organisation,
    parent: Organisation,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    shares: str = Shares.COUNTS,
) -> Affiliation:
    affiliation = Affiliation(
        member=member, parent=parent, started_on=started_on, ended_on=ended_on, shares=shares
    )
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def role_grant(
    *,
    user: User,
    org: Organisation,
    role: str,
    centres: list[Centre] | None = None,
    person: Model | None = None,
) -> Role:
    """Grant ``role`` in ``org``; a member's role names her ``members.Person`` (a model of a
    layer above, given as a row of the cooperative)."""
    grant = Role(user=user, org=org, role=role)
    grant.full_clean()
    grant.save()
    if person is not None:
        if getattr(person, "coop_id", None) != org.pk:
            raise ValidationError({"person": _("This choice belongs to another cooperative.")})
        with scope(coop=org.pk):
            link = RolePerson(coop_id=org.pk, role=grant, person_id=person.pk)
            link.full_clean()
            link.save()
    if centres:
        for centre in centres:
            if centre.coop_id != org.pk:
                raise ValidationError({"centres": _("This choice belongs to another cooperative.")})
        with scope(coop=org.pk):
            grant.centres.set(centres, through_defaults={"coop_id": org.pk})
    return grant


@transaction.atomic
def organisation_sign_in_rules_set(*, org: Organisation, require_two_factor: bool) -> Organisation:
    """Whether the cooperative's managers and treasurers must sign in with a second step."""
    org.require_two_factor = require_two_factor
    org.full_clean()
    org.save(update_fields=["require_two_factor"])
    return org


@transaction.atomic
def organisation_name_order_set(*, org: Organisation, name_order: str) -> Organisation:
    """How the cooperative's pages write a person's name: given name or family name first."""
    org.name_order = name_order
    org.full_clean()
    org.save(update_fields=["name_order"])
    return org
