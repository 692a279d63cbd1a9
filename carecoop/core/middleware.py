"""Enforces each view's declared policy, resolves the URL's organisation, activates its scope."""

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_scopes import scope, scopes_disabled

from carecoop.core import names
from carecoop.core.permissions import access_asked, policy_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == "admin":
            # The admin checks for a superuser itself (see config/urls.py) and spans cooperatives.
            with scopes_disabled():
                return _render(view_func(request, *view_args, **view_kwargs))

        policy = policy_of(view_func)
        if policy is None:
            raise ImproperlyConfigured(
                f"The view {view_func.__module__}.{view_func.__name__} declares no access policy."
            )
        if policy.kind in ("public", "api"):
            return None  # The API checks its callers itself (a token or the session).
        if not request.user.is_authenticated:
            return None  # LoginRequiredMiddleware has already redirected; defensive only.
        if policy.kind == "signed_in":
            return None

        slug_key = "coop" if policy.kind == "coop" else "org"
        slug = view_kwargs.get(slug_key)
        if not slug:
            raise ImproperlyConfigured(f"{view_func.__name__} needs <{slug_key}> in its URL.")
        access = access_asked(request, slug=slug, cooperative=policy.kind == "coop")
        if access is None:
            raise Http404  # Not yours and does not exist look the same.
        if not access.can(policy.permission):
            raise PermissionDenied
        if request.method not in SAFE_METHODS and not access.can(policy.write_permission):
            raise PermissionDenied  # One answer for a write the role may not make: 403.
        request.access = access  # type: ignore[attr-defined]
        # Dates and times are the organisation's own: "today" in Ahmedabad is not today in UTC;
        # so is the order of names, read here once for every name the page writes.
        with (
            scope(coop=access.org.pk),
            timezone.override(ZoneInfo(access.org.time_zone)),
            names.override(access.org.name_order),
        ):
            return _render(view_func(request, *view_args, **view_kwargs))


def _render(response: HttpResponse) -> HttpResponse:
    """Render lazy template responses while the scope is still active."""
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    return response


# Pages of a cooperative or a federation, whoever asks (the public vote page is one of them).
PRIVATE_PREFIXES = ("/c/", "/f/")


class NoStoreMiddleware:
    """Shared phones: no page with personal data may stay in the browser's cache or history, so
    every response to a signed-in user and every page of a cooperative or federation is sent
    ``Cache-Control: no-store``. Static files (served before this runs) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path_info.startswith(
            PRIVATE_PREFIXES
        ):
            add_never_cache_headers(response)
        return response
