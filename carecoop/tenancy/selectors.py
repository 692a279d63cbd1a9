"""Reads about organisations and who may do what in them."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from carecoop.core.permissions import Access
from carecoop.tenancy.models import (
    COOP_ROLES,
    FEDERATION_ROLES,
    Organisation,
    Role,
    RoleCentre,
    RolePerson,
)


def access_for(*, user: User, slug: str, cooperative: bool) -> Access | None:
    """The user's access to the organisation ``slug``, or None when they hold no role in it.

    "Does not exist" and "not yours" both answer None, so callers answer 404 for both.
    """
    roles = list(
        Role.objects.filter(user=user, org__slug=slug)
        .select_related("org")
        .only("id", "role", "org")
    )
    if not roles:
        return None
    org = roles[0].org
    if org.is_cooperative != cooperative:
        return None
    allowed = COOP_ROLES if cooperative else FEDERATION_ROLES
    codes = frozenset(r.role for r in roles if r.role in allowed)
    if not codes:
        return None
    centre_ids: frozenset[int] = frozenset()
    if "facilitator" in codes:
        centre_ids = frozenset(
            RoleCentre._base_manager.filter(
                coop_id=org.pk, role__in=[r for r in roles if r.role == "facilitator"]
            ).values_list("centre_id", flat=True)
        )
    person_ids: frozenset[int] = frozenset()
    household_ids: frozenset[int] = frozenset()
    if "member" in codes:
        # Her person and its household in one query, without reaching up into the members app.
        links = RolePerson._base_manager.filter(
            coop_id=org.pk, role__in=[r for r in roles if r.role == "member"]
        ).values_list("person_id", "person__household_id")
        person_ids = frozenset(person for person, _household in links)
        household_ids = frozenset(household for _person, household in links if household)
    return Access(
        user=user,
        org=org,
        roles=codes,
        centre_ids=centre_ids,
        person_ids=person_ids,
        household_ids=household_ids,
    )


def organisations_of(*, user: User) -> QuerySet[Organisation]:
    """The organisations a user holds any role in, for the home page."""
    return Organisation.objects.filter(roles__user=user).distinct().order_by("kind", "name")


def roles_of(*, user: User) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for org_id, role in Role.objects.filter(user=user).values_list("org_id", "role"):
        result.setdefault(org_id, []).append(str(RoleLabel.get(role, role)))
    return result


RoleLabel = dict(Role._meta.get_field("role").choices or [])
