"""Reads about personal data, for the cooperative's manager."""

from django.db.models import QuerySet
from django.http import Http404

from carecoop.core.permissions import Access
from carecoop.members.models import Person, ViewLog
from carecoop.privacy.models import Erasure


def view_log(*, access: Access, person: Person | None = None) -> QuerySet[ViewLog]:
    """Who viewed whose record, newest first (one person's, if given). One query per page."""
    rows = ViewLog.objects.filter(coop_id=access.coop_id)
    if person is not None:
        rows = rows.filter(person=person)
    return rows.select_related("viewer", "person").order_by("-minute", "-pk")


def person_get(*, access: Access, pk: int) -> Person:
    """Anyone in the cooperative's registry (the manager sees them all); 404 otherwise."""
    person = Person.objects.filter(coop_id=access.coop_id, pk=pk).first()
    if person is None:
        raise Http404
    return person


def erasure_of(*, person: Person) -> Erasure | None:
    return (
        Erasure.objects.filter(coop_id=person.coop_id, person=person)
        .select_related("erased_by")
        .first()
    )
