"""The one permission chokepoint.

Every view declares a policy with one of the decorators below; the access middleware enforces it
before the view runs and denies any view that declares none. Roles are held per organisation
(``tenancy.Role``); what each role may do is a ``rules`` predicate, registered by each app's
``permissions.py`` into ``rule_set``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import rules
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest

rule_set = rules.RuleSet()

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

POLICY_ATTR = "carecoop_policy"


@dataclass(frozen=True)
class Policy:
    kind: str  # "public", "signed_in", "coop" or "federation"
    permission: str = ""


@dataclass(frozen=True)
class Access:
    """Who is asking, in which organisation, with which roles. Passed to every selector."""

    user: Any
    org: Any
    roles: frozenset[str]
    centre_ids: frozenset[int] = field(default_factory=frozenset)
    person_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return rule_set.test_rule(permission, self.user, self)

    @property
    def coop_id(self) -> int:
        return int(self.org.pk)


def _mark(view: ViewFunc, policy: Policy) -> ViewFunc:
    setattr(view, POLICY_ATTR, policy)
    return view


def public(view: ViewFunc) -> ViewFunc:
    """Anyone, signed in or not, may open this page. It must show no personal data."""
    return _mark(login_not_required(view), Policy("public"))


def signed_in(view: ViewFunc) -> ViewFunc:
    """Any signed-in user; the view itself shows only what belongs to that user."""
    return _mark(view, Policy("signed_in"))


def coop_permission(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """A page of one cooperative (``<coop>`` in the URL), for roles that hold ``permission``."""

    def decorate(view: ViewFunc) -> ViewFunc:
        return _mark(view, Policy("coop", permission))

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
