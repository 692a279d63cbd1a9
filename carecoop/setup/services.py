"""Setting up a cooperative: the organisation, what its kind starts it with, and its first
manager, invited with a one-time link. One transaction: a setup that fails anywhere leaves
nothing behind, not even the manager's account."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from carecoop.accounts.services import reset_link_issue
from carecoop.billing.services import fee_category_create
from carecoop.core import sms
from carecoop.core.archive import archive_restore
from carecoop.core.permissions import Access
from carecoop.core.types import Actor
from carecoop.ledger.services import chart_ensure
from carecoop.members.services import member_class_create
from carecoop.setup.kinds import KINDS, ORGANISATION_FIELDS
from carecoop.tenancy.models import Organisation, OrgKind
from carecoop.tenancy.services import affiliation_create, organisation_create, role_grant


@dataclass
class SetUp:
    coop: Organisation
    manager: User
    link: str


@transaction.atomic
def cooperative_setup(
    *,
    by: User,
    parent: Organisation | None,
    kind: str,
    organisation: dict[str, Any],
    manager_username: str,
    manager_phone: str,
    send_by_sms: bool,
    url_for: Callable[[str], str],
    today: datetime.date | None = None,
) -> SetUp:
    """A new cooperative, of ``parent`` (a federation's affiliate) if given, started as ``kind``
    (``setup.kinds``) in its first language; and its first manager, a new account with no
    password, invited by a link to choose one: returned to be shown once, and sent by SMS to
    ``manager_phone`` after the commit when asked."""
    found = KINDS.get(kind)
    if found is None:
        raise ValidationError({"kind": _("Choose what kind of cooperative this is.")})
    username = manager_username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"manager_username": _("This name is already someone's account: choose another.")}
        )
    if send_by_sms and not manager_phone.strip():
        raise ValidationError({"manager_phone": _("Give the phone the link is to be sent to.")})
    fields = {name: organisation[name] for name in ORGANISATION_FIELDS if name in organisation}
    coop = organisation_create(kind=OrgKind.COOPERATIVE, **fields)
    if parent is not None:
        affiliation_create(member=coop, parent=parent, started_on=today or timezone.localdate())
    with scope(coop=coop.pk), translation.override(coop.language_list[0]):
        _start(coop=coop, by=by, kind=kind)
    manager = User(username=username)
    manager.set_unusable_password()
    manager.full_clean(exclude=["password"])
    manager.save()
    role_grant(user=manager, org=coop, role="manager")
    # The link is issued as the cooperative's manager issues one (accounts.reset_link_issue),
    # by whoever sets the cooperative up.
    issuer = Access(user=by, org=coop, roles=frozenset({"manager"}))
    with scope(coop=coop.pk):
        link = reset_link_issue(access=issuer, user=manager, send_by_sms=False, url_for=url_for)
    if send_by_sms:
        with translation.override(coop.language_list[0]):
            text = _(
                "%(coop)s is set up on carecoop. Choose your password with this link, once: %(url)s"
            ) % {
                "coop": coop.name,
                "url": link,
            }
        sms.send_on_commit(to=manager_phone.strip(), text=text)
    return SetUp(coop=coop, manager=manager, link=link)


def _start(*, coop: Organisation, by: Actor, kind: str) -> None:
    """The member classes, fee categories and chart of accounts of a new cooperative."""
    found = KINDS[kind]
    classes = {}
    for fields in found.member_classes:
        texts = {k: str(v) for k, v in fields.items() if k in ("name", "description")}
        classes[fields["code"]] = member_class_create(coop=coop, by=by, **{**fields, **texts})
    for code, name, class_code in found.fee_categories:
        fee_category_create(
            coop=coop,
            by=by,
            code=code,
            name=str(name),
            member_class=classes.get(class_code) if class_code else None,
        )
    chart_ensure(coop=coop, by=by)


@dataclass
class MovedIn:
    coop: Organisation
    rows: int
    # The accounts made for the cooperative's people, and a one-time link for each of its
    # managers among them (the others are issued theirs by a manager, as any member's).
    users_made: list[User]
    links: dict[str, str]


def cooperative_move_in(
    *,
    by: User,
    source: Any,
    slug: str = "",
    link_users: bool = False,
    url_for: Callable[[str], str],
) -> MovedIn:
    """A cooperative moved in from another installation's archive (``core.archive``), all or
    nothing; its managers whose accounts were made for it get a link to choose a password,
    issued by ``by`` as the setup issues the first manager's."""
    with transaction.atomic():
        restored = archive_restore(source, slug=slug, link_users=link_users)
        coop = restored.coop
        made = {u.pk for u in restored.users_made}
        managers = User.objects.filter(
            pk__in=made, carecoop_roles__org=coop, carecoop_roles__role="manager"
        ).order_by("username")
        issuer = Access(user=by, org=coop, roles=frozenset({"manager"}))
        with scope(coop=coop.pk):
            links = {
                m.username: reset_link_issue(
                    access=issuer, user=m, send_by_sms=False, url_for=url_for
                )
                for m in managers
            }
    return MovedIn(
        coop=coop,
        rows=sum(restored.rows.values()),
        users_made=restored.users_made,
        links=links,
    )
