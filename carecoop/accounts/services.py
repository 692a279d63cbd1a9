"""Writes for sign-in safeguards: failed-attempt counters, the second sign-in step, sessions,
and password reset links. Each is atomic; a text message leaves only after the commit."""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecoop.accounts import selectors
from carecoop.accounts.models import AccountSession, PasswordResetLink, Throttle
from carecoop.core import sms
from carecoop.core.permissions import Access
from carecoop.core.services import atomic_retried

RECOVERY_CODES = 10

LIMITS = {
    Throttle.Kind.SIGN_IN_ACCOUNT: "CARECOOP_SIGN_IN_FAILURES",
    Throttle.Kind.SIGN_IN_ADDRESS: "CARECOOP_SIGN_IN_ADDRESS_FAILURES",
    Throttle.Kind.VOTE_CODE_ADDRESS: "CARECOOP_VOTE_CODE_FAILURES",
}


# Failed-attempt counters ---------------------------------------------------------------------


@atomic_retried
def throttle_fail(*, kind: str, subject: str, now: datetime.datetime | None = None) -> int:
    """Count one failed attempt. Returns the seconds the subject must now wait (0 while it
    still has tries left). The row is locked, so parallel failures in several processes all
    count."""
    now = now or timezone.now()
    period = datetime.timedelta(minutes=settings.CARECOOP_THROTTLE_MINUTES)
    limit = int(getattr(settings, LIMITS[Throttle.Kind(kind)]))
    key = selectors.throttle_subject(kind, subject)
    Throttle.objects.get_or_create(kind=kind, subject=key, defaults={"window_start": now})
    row = Throttle.objects.select_for_update().get(kind=kind, subject=key)
    if row.blocked_until is not None and row.blocked_until > now:
        return selectors.throttle_wait(kind=kind, subject=subject, now=now)
    if row.blocked_until is not None or now - row.window_start >= period:
        row.failures, row.window_start, row.blocked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.blocked_until = now + period
    row.save()
    return selectors.throttle_wait(kind=kind, subject=subject, now=now)


def throttle_clear(*, kind: str, subject: str) -> None:
    Throttle.objects.filter(kind=kind, subject=selectors.throttle_subject(kind, subject)).delete()


# The second sign-in step ---------------------------------------------------------------------


@transaction.atomic
def two_factor_start(*, user: User) -> TOTPDevice:
    """The key the user's phone app is about to learn: a new unconfirmed device, or the one
    made on an earlier visit to the set-up page."""
    device = selectors.totp_device(user=user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Phone app"), confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the phone app with a code it shows. Any earlier device is removed, and a fresh
    set of recovery codes is made; they are returned to be shown once."""
    device = selectors.totp_device(user=user, confirmed=False)
    if device is None:
        raise ValidationError(_("Start the set-up again: the key has changed."))
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, _info = device.verify_is_allowed()
    if not allowed or not device.verify_token(_digits(token)):
        raise ValidationError(_("This code is not right. Type the code your app shows now."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of one-time recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _digits(token: str) -> str:
    return "".join(c for c in str(token) if not c.isspace())[:16]


# Sessions ------------------------------------------------------------------------------------


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """End every session of ``user`` on every device (but ``keep``, if given). Returns how many
    ended."""
    sessions = AccountSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    count, _per_model = sessions.delete()
    return count


# Password reset links ------------------------------------------------------------------------


def reset_token_hash(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def reset_link_issue(
    *,
    access: Access,
    user: User,
    send_by_sms: bool,
    url_for: Callable[[str], str],
    now: datetime.datetime | None = None,
) -> str:
    """Issue a one-time link with which ``user`` chooses a new password, valid for
    ``CARECOOP_RESET_LINK_HOURS``. Earlier unused links of that user stop working. With
    ``send_by_sms`` the link goes, after the commit, to the phone of the member record the
    account is linked to. Returns the link, to be shown once."""
    now = now or timezone.now()
    if not selectors.reset_link_accounts(access=access).filter(pk=user.pk).exists():
        raise ValidationError(_("You cannot issue a link for this account."))
    phone = selectors.reset_link_phone(coop_id=access.org.pk, user=user) if send_by_sms else ""
    if send_by_sms and not phone:
        raise ValidationError(
            _("This account is linked to no member with a phone number: show the link instead.")
        )
    PasswordResetLink.objects.filter(
        coop_id=access.org.pk,
        user=user,
        used_at__isnull=True,
        issued_at__lt=now,
        expires_at__gt=now,
    ).update(expires_at=now)
    token = secrets.token_urlsafe(24)
    link = PasswordResetLink(
        coop=access.org,
        user=user,
        token_hash=reset_token_hash(token),
        issued_by=access.user,
        issued_at=now,
        expires_at=now + datetime.timedelta(hours=settings.CARECOOP_RESET_LINK_HOURS),
    )
    link.full_clean()
    link.save()
    url = url_for(token)
    if phone:
        text = _("%(coop)s: choose a new carecoop password with this link, once: %(url)s") % {
            "coop": access.org.name,
            "url": url,
        }
        sms.send_on_commit(to=phone, text=text)
    return url


@transaction.atomic
def reset_link_use(*, token: str, password: str, now: datetime.datetime | None = None) -> User:
    """Set a new password with a reset link. The link is used up, and every session of the
    account ends. Returns the user."""
    now = now or timezone.now()
    found = selectors.reset_link_find(token=token)
    if found is None:
        raise ValidationError(_("This link is not valid any more. Ask your manager for a new one."))
    link = PasswordResetLink._base_manager.select_for_update().get(
        coop_id=found.coop_id, pk=found.pk
    )
    if link.used_at is not None or link.expires_at <= now:
        raise ValidationError(_("This link is not valid any more. Ask your manager for a new one."))
    user = found.user
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    link.used_at = now
    link.save(update_fields=["used_at"])
    sessions_end(user=user)
    return user
