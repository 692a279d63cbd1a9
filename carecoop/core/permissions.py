"""The one permission chokepoint.

Every view declares a policy with one of the decorators below; the access middleware enforces it
before the view runs and denies any view that declares none. Roles are held per organisation
(``tenancy.Role``); what each role may do is a ``rules`` predicate, registered by each app's
``permissions.py`` into ``rule_set``.

Which rows a role sees is decided in one place, ``Access.restrict``: each app's
``permissions.py`` declares with ``reach`` how the rows of each of its models reach a care centre
and a household, and every selector narrows its queries through ``access.restrict(queryset)``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import rules
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.module_loading import import_string

rule_set = rules.RuleSet()

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

POLICY_ATTR = "carecoop_policy"


@dataclass(frozen=True)
class Policy:
    kind: str  # "public", "signed_in", "coop", "federation" or "api"
    permission: str = ""
    write: str = ""  # needed for POST, PUT, PATCH and DELETE; empty means ``permission``

    @property
    def write_permission(self) -> str:
        return self.write or self.permission


# What a role sees -----------------------------------------------------------------------------

# Roles that see every row of their cooperative.
WHOLE_COOPERATIVE = frozenset({"manager", "board", "treasurer", "auditor"})

CentreRule = Callable[[frozenset[int]], Q]


@dataclass(frozen=True)
class Reach:
    """How the rows of one model reach a care centre and a household.

    ``centre`` is the ORM path from the model to a centre's id (``"pk"`` for the centre itself),
    or a function of the facilitator's centre ids giving a ``Q`` (people: children through their
    current enrolment). ``household`` is the path to a household's id. ``personal`` rows are
    about persons: a member sees only those of her own household and the federation analyst none.
    Rows that are not personal (centres, classes, bodies, funders) are the cooperative's own: a
    member sees them all, a facilitator those of her centres when they reach one.
    ``shared_without_centre``: a row with no centre (a training for everyone) is seen by
    facilitators too.
    """

    centre: str | CentreRule | None = None
    household: str | None = None
    personal: bool = True
    shared_without_centre: bool = False

    def for_role(self, role: str, access: "Access") -> Q | None:
        """The rows ``role`` sees; ``Q()`` for all of them, ``None`` for none."""
        if role in WHOLE_COOPERATIVE:
            return Q()
        if role == "facilitator":
            if self.centre is None:
                return None if self.personal else Q()
            if callable(self.centre):
                return self.centre(access.centre_ids)
            seen = Q(**{f"{self.centre}__in": access.centre_ids})
            if self.shared_without_centre:
                seen |= Q(**{f"{self.centre}__isnull": True})
            return seen
        if role == "member":
            if self.household is None:
                return None if self.personal else Q()
            return Q(**{f"{self.household}__in": access.household_ids})
        return None if self.personal else Q()


REACH: dict[type[Model], Reach] = {}


def reach(
    model: type[Model],
    *,
    centre: str | CentreRule | None = None,
    household: str | None = None,
    personal: bool = True,
    shared_without_centre: bool = False,
) -> None:
    """Declare how ``model``'s rows reach a centre and a household (see ``Reach``)."""
    REACH[model] = Reach(centre, household, personal, shared_without_centre)


def reach_of(model: type[Model]) -> Reach:
    found = REACH.get(model._meta.concrete_model or model)
    if found is None:
        raise ImproperlyConfigured(
            f"{model.__name__} declares no reach: say in its app's permissions.py how its rows "
            "reach a centre and a household."
        )
    return found


@dataclass(frozen=True)
class Access:
    """Who is asking, in which organisation, with which roles. Passed to every selector. The
    user is signed in (the middleware builds an access for no one else): views pass
    ``access.user`` to services as the actor."""

    user: User
    # The organisation (``tenancy.Organisation``): named by tenancy, a layer above this one.
    org: Any
    roles: frozenset[str]
    centre_ids: frozenset[int] = field(default_factory=frozenset)
    person_ids: frozenset[int] = field(default_factory=frozenset)
    household_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return rule_set.test_rule(permission, self.user, self)

    @property
    def coop_id(self) -> int:
        return int(self.org.pk)

    def roles_for(self, permission: str) -> frozenset[str]:
        """The roles held here that grant ``permission`` on their own."""
        return frozenset(
            role
            for role in self.roles
            if rule_set.test_rule(permission, self.user, _with_roles(self, role))
        )

    def restrict(self, queryset: "QuerySet[M]", permission: str = "") -> "QuerySet[M]":
        """``queryset`` narrowed to the cooperative and to the rows the asking roles see.

        Each role adds what it sees (see ``Reach.for_role``). With ``permission``, only the
        roles that grant it count: a facilitator who is also a member records attendance in her
        centres only, though as a member she sees every centre.
        """
        model = queryset.model
        rule = reach_of(model)
        if any(f.name == "coop" for f in model._meta.fields):
            queryset = queryset.filter(coop_id=self.coop_id)
        roles = self.roles_for(permission) if permission else self.roles
        seen: Q | None = None
        for role in sorted(roles):
            q = rule.for_role(role, self)
            if q is None:
                continue
            if not q:  # Q(): every row
                return queryset
            seen = q if seen is None else seen | q
        return queryset.none() if seen is None else queryset.filter(seen)


def access_asked(request: HttpRequest, *, slug: str, cooperative: bool) -> Access | None:
    """The user's access to the organisation ``slug`` (``CARECOOP_ACCESS_FOR``), read once a
    request: the sign-in step and the access check both need it."""
    memo: dict[tuple[str, bool], Access | None] = request.__dict__.setdefault("_access_asked", {})
    if (slug, cooperative) not in memo:
        access_for = import_string(settings.CARECOOP_ACCESS_FOR)
        memo[(slug, cooperative)] = access_for(
            user=request.user, slug=slug, cooperative=cooperative
        )
    return memo[(slug, cooperative)]


def access_of(request: HttpRequest) -> Access:
    """The asking user's access, set by ``AccessMiddleware`` before the view runs."""
    access = getattr(request, "access", None)
    if not isinstance(access, Access):
        raise ImproperlyConfigured("This view needs a cooperative or federation policy.")
    return access


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a page that is no organisation's (the home page, the account
    pages): the access middleware lets no one else through to a page that is not public. A
    cooperative's page names its actor ``access.user``."""
    user = request.user
    if not isinstance(user, User):
        raise ImproperlyConfigured("This view needs a signed-in user.")
    return user


M = TypeVar("M", bound=Model)


def _with_roles(access: Access, *roles: str) -> Access:
    return Access(
        user=access.user,
        org=access.org,
        roles=frozenset(roles),
        centre_ids=access.centre_ids,
        person_ids=access.person_ids,
        household_ids=access.household_ids,
    )


def restrict(access: Access, queryset: "QuerySet[M]", permission: str = "") -> "QuerySet[M]":
    return access.restrict(queryset, permission)


def _mark(view: ViewFunc, policy: Policy) -> ViewFunc:
    setattr(view, POLICY_ATTR, policy)
    return view


def public(view: ViewFunc) -> ViewFunc:
    """Anyone, signed in or not, may open this page. It must show no personal data."""
    return _mark(login_not_required(view), Policy("public"))


def signed_in(view: ViewFunc) -> ViewFunc:
    """Any signed-in user; the view itself shows only what belongs to that user."""
    return _mark(view, Policy("signed_in"))


def coop_permission(permission: str, *, write: str = "") -> Callable[[ViewFunc], ViewFunc]:
    """A page of one cooperative (``<coop>`` in the URL), for roles that hold ``permission``.

    A POST (or any method that is not safe) needs ``write`` as well, checked by the middleware
    before the view runs; without ``write``, ``permission`` is enough. A page that shows readers
    what others change (a subscription and its payment form) names both."""

    def decorate(view: ViewFunc) -> ViewFunc:
        return _mark(view, Policy("coop", permission, write))

    return decorate


def federation_permission(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """A page of a federation, union or network (``<org>`` in the URL): aggregates only."""

    def decorate(view: ViewFunc) -> ViewFunc:
        return _mark(view, Policy("federation", permission))

    return decorate


def policy_of(view: Callable[..., Any]) -> Policy | None:
    return getattr(view, POLICY_ATTR, None)


def admin_has_permission(request: HttpRequest) -> bool:
    """The Django admin sees every cooperative's rows, so it is for superusers only."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


def has_role(*codes: str) -> Any:
    @rules.predicate
    def predicate(user: Any, access: Access) -> bool:
        return isinstance(access, Access) and bool(access.roles.intersection(codes))

    predicate.name = "has_role_" + "_".join(codes)
    return predicate


is_manager = has_role("manager")
is_board = has_role("board")
is_treasurer = has_role("treasurer")
is_facilitator = has_role("facilitator")
is_member = has_role("member")
is_auditor = has_role("auditor")
is_analyst = has_role("analyst")

# Everyone who works inside a cooperative (not the federation analyst).
is_coop_insider = has_role("manager", "board", "treasurer", "facilitator", "member", "auditor")

rule_set.add_rule("coop.view", is_coop_insider)
