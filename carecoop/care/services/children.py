"""Writes about a child's care record: needs, allergies and who else may collect her."""

from typing import Any

from django.db import transaction

from carecoop.care.models import AuthorisedCollector, ChildProfile
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Person


@transaction.atomic
def child_profile_save(*, child: Person, by: Actor, **fields: Any) -> ChildProfile:
    profile = ChildProfile.objects.filter(child=child).first() or ChildProfile(
        coop_id=child.coop_id, child=child
    )
    for name, value in fields.items():
        setattr(profile, name, value)
    validated_save(profile, by=by)
    return profile


@transaction.atomic
def collector_add(*, child: Person, by: Actor, **fields: Any) -> AuthorisedCollector:
    collector = AuthorisedCollector(coop_id=child.coop_id, child=child, **fields)
    validated_save(collector, by=by)
    return collector


@transaction.atomic
def collector_update(
    *, collector: AuthorisedCollector, by: Actor, **fields: Any
) -> AuthorisedCollector:
    collector = AuthorisedCollector.objects.select_for_update().get(
        coop_id=collector.coop_id, pk=collector.pk
    )
    for name, value in fields.items():
        setattr(collector, name, value)
    validated_save(collector, by=by)
    return collector
