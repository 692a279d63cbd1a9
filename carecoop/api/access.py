"""Who calls the API, and what each operation lets them do.

A call names its cooperative in the path (``/api/v1/c/<coop>/…``) and is made with a token
(``Authorization: Bearer <token>``) or, from carecoop's own pages, with the signed-in session
(and its CSRF token for a write). Either way it is given the same ``Access`` as the pages: the
user's roles in that cooperative, read when the call is made, and every read is narrowed by the
same ``Access.restrict``. A token of another cooperative, like another cooperative's row,
answers 404.
"""

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle

from carecoop.api.models import Token
from carecoop.core import names
from carecoop.core.permissions import Access, access_asked
from carecoop.tenancy.selectors import access_for

F = TypeVar("F", bound=Callable[..., Any])

TOKEN_PREFIX = "cc_"


def token_secret() -> str:
    """A new token: 256 random bits, with a prefix that secret scanners can look for."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(secret: str) -> str:
    """What is kept of a token. A token is 256 random bits, so one SHA-256 is enough: there is
    nothing to guess that a slow hash would protect."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _coop_slug(request: HttpRequest) -> str:
    match = request.resolver_match
    return str(match.kwargs.get("coop", "")) if match is not None else ""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's user, in the token's cooperative."""

    def authenticate(self, request: HttpRequest, token: str) -> Access | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        found = (
            Token.objects.filter(digest=token_digest(token), revoked_at__isnull=True)
            .select_related("user", "org")
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        slug = _coop_slug(request)
        if found.org.slug != slug:
            raise Http404  # Another cooperative's token: as if the cooperative did not exist.
        access = access_for(user=found.user, slug=slug, cooperative=True)
        if access is None:
            raise Http404  # The user holds no role there any more.
        today = timezone.localdate()
        if found.last_used_on != today:
            Token.objects.filter(pk=found.pk).update(last_used_on=today)
        request.user = found.user  # The audit names the token's user.
        return access


class SessionAuth(APIKeyCookie):
    """The session of carecoop's own pages (the attendance page's offline sync), with Django's
    CSRF check for every call."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Access | None:
        user = getattr(request, "user", None)
        if not key or not isinstance(user, User) or not user.is_authenticated:
            return None
        access = access_asked(request, slug=_coop_slug(request), cooperative=True)
        if access is None:
            raise Http404
        return access


class UserThrottle(BaseThrottle):
    """At most ``CARECOOP_API_RATE`` calls a minute by one user in one cooperative (counted in
    the cache, by minute)."""

    def allow_request(self, request: HttpRequest) -> bool:
        access = getattr(request, "auth", None)
        if not isinstance(access, Access):
            return True
        minute = int(time.time() // 60)
        key = f"carecoop:api:{access.user.pk}:{access.coop_id}:{minute}"
        cache.add(key, 0, timeout=120)
        try:
            calls = cache.incr(key)
        except ValueError:  # Evicted between the two: count this call as the first.
            cache.set(key, 1, timeout=120)
            calls = 1
        self._wait = 60 - time.time() % 60
        return calls <= int(settings.CARECOOP_API_RATE)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


PERMISSION_ATTR = "carecoop_api_permission"


def operation(permission: str) -> Callable[[F], F]:
    """An operation of one cooperative, for the roles that hold ``permission``: run in the
    cooperative's scope, time zone and order of names, as a page is. The operation returns
    plain values (dicts and lists), read while the scope is on."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            access = access_of(request)
            if not access.can(permission):
                raise HttpError(403, _("Your role in this cooperative does not allow this."))
            with (
                scope(coop=access.org.pk),
                timezone.override(ZoneInfo(access.org.time_zone)),
                names.override(access.org.name_order),
            ):
                return func(request, *args, **kwargs)

        setattr(wrapper, PERMISSION_ATTR, permission)
        return wrapper  # type: ignore[return-value]

    return decorate


def access_of(request: HttpRequest) -> Access:
    access = getattr(request, "auth", None)
    if not isinstance(access, Access):
        raise Http404
    return access
