"""Sign-in safeguards on every request: the idle timeout, the second sign-in step owed, and a
cooperative's rule that its managers and treasurers use one."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.middleware import is_verified

from carecoop.accounts import selectors
from carecoop.accounts.signals import LAST_SEEN, SECOND_STEP_OWED
from carecoop.core.permissions import ViewFunc, access_asked, policy_of

# Views a user may open while a second step is owed or must be set up.
STEP_EXEMPT_ATTR = "carecoop_second_step_exempt"
# The time of last use is written at most this often, not on every request.
SEEN_RESOLUTION = 60


def second_step_exempt(view: ViewFunc) -> ViewFunc:
    setattr(view, STEP_EXEMPT_ATTR, True)
    return view


class AccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            idle = settings.CARECOOP_IDLE_MINUTES * 60
            now = int(time.time())
            seen = request.session.get(LAST_SEEN)
            if isinstance(seen, int) and now - seen > idle:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without use.")
                    % {"minutes": settings.CARECOOP_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
                request.session.set_expiry(idle + SEEN_RESOLUTION)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or getattr(view_func, STEP_EXEMPT_ATTR, False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name == "set_language":
            return None
        if is_verified(user):
            return None
        if request.session.get(SECOND_STEP_OWED):
            return _to("accounts:second_step", request)
        policy = policy_of(view_func)
        slug = view_kwargs.get("coop")
        if (
            policy is not None
            and policy.kind == "coop"
            and slug
            and selectors.two_factor_required(
                access=access_asked(request, slug=str(slug), cooperative=True)
            )
        ):
            messages.info(
                request,
                _(
                    "This cooperative asks its managers and treasurers to confirm each "
                    "sign-in with a code from their phone. Set it up now to continue."
                ),
            )
            return _to("accounts:two_factor_setup", request)
        return None


def _to(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
