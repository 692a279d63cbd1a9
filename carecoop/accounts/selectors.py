"""Reads for sign-in safeguards."""

import datetime
import hashlib
import math

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from carecoop.accounts.models import PasswordResetLink, Throttle
from carecoop.core.permissions import Access
from carecoop.core.pickers import LIMIT
from carecoop.tenancy.models import Organisation, OrgKind, Role, RoleCode, RolePerson


def throttle_subject(kind: str, subject: str) -> str:
    """The stored form of a subject: a hash, so the table names no account and no address."""
    return hashlib.sha256(f"{kind}\0{subject}".encode("utf-8", "backslashreplace")).hexdigest()


def throttle_wait(*, kind: str, subject: str, now: datetime.datetime | None = None) -> int:
    """Seconds before ``subject`` may try again; 0 when it may try now."""
    now = now or timezone.now()
    blocked_until = (
        Throttle.objects.filter(kind=kind, subject=throttle_subject(kind, subject))
        .values_list("blocked_until", flat=True)
        .first()
    )
    if blocked_until is None or blocked_until <= now:
        return 0
    return math.ceil((blocked_until - now).total_seconds())


def client_address(request: HttpRequest) -> str:
    """The address a request comes from: the connection's, or the header a proxy sets."""
    header = settings.CARECOOP_CLIENT_ADDRESS_HEADER
    value = request.META.get(header, "") if header else ""
    if value:
        return str(value).split(",")[-1].strip()[:100]
    return str(request.META.get("REMOTE_ADDR", ""))[:100]


def two_factor_required(*, access: Access | None) -> bool:
    """Whether the cooperative of ``access`` asks a second sign-in step of this user: it asks
    it of its managers and treasurers."""
    return (
        access is not None
        and access.org.require_two_factor
        and bool(access.roles & {RoleCode.MANAGER, RoleCode.TREASURER})
    )


def managed_cooperatives(*, user: User) -> QuerySet[Organisation]:
    """The cooperatives whose sign-in rules and reset links this user looks after."""
    return Organisation.objects.filter(
        kind=OrgKind.COOPERATIVE, roles__user=user, roles__role=RoleCode.MANAGER
    ).order_by("name")


def totp_device(*, user: User, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset_link_accounts(*, access: Access) -> QuerySet[User]:
    """The accounts a manager may issue a reset link for: people who hold a role in her
    cooperative and in no other organisation (a link must not open another cooperative's
    door), who are not administrators, and not the manager herself."""
    users = User.objects
    elsewhere = Role.objects.exclude(org_id=access.org.pk).values("user_id")
    return (
        users.filter(carecoop_roles__org_id=access.org.pk, is_active=True)
        .exclude(pk__in=elsewhere)
        .exclude(is_superuser=True)
        .exclude(is_staff=True)
        .exclude(pk=access.user.pk)
        .distinct()
        .order_by("username")
    )


def pick_reset_link_accounts(*, access: Access, query: str) -> list[User]:
    """Accounts for a reset link whose username or name holds every word of ``query``."""
    accounts = reset_link_accounts(access=access)
    for word in query.split()[:5]:
        accounts = accounts.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return list(accounts.order_by("username", "pk")[:LIMIT])


def reset_link_phone(*, coop_id: int, user: User) -> str:
    """The phone of the member record the account is linked to in this cooperative, if any."""
    phones = RolePerson._base_manager.filter(coop_id=coop_id, role__user=user).values_list(
        "person__phone", flat=True
    )
    return next((p for p in phones if p), "")


def reset_link_find(*, token: str) -> PasswordResetLink | None:
    """The link a token opens, if it is still valid (not used and not expired)."""
    from carecoop.accounts.services import reset_token_hash

    if not token or len(token) > 100:
        return None
    with scopes_disabled():
        return (
            PasswordResetLink.objects.filter(
                token_hash=reset_token_hash(token),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .select_related("user", "coop")
            .first()
        )


def reset_links_recent(*, access: Access, limit: int = 20) -> list[PasswordResetLink]:
    return list(
        PasswordResetLink.objects.filter(coop_id=access.org.pk)
        .select_related("user", "issued_by")
        .order_by("-issued_at")[:limit]
    )
