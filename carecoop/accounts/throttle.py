"""The request side of the failed-attempt counters: who is asking, and what to tell them."""

from django.http import HttpRequest
from django.utils.translation import ngettext

from carecoop.accounts import selectors, services
from carecoop.accounts.models import Throttle


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def sign_in_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def vote_code_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "Too many wrong codes were typed from this connection. Try again in %(minutes)d minute.",
        "Too many wrong codes were typed from this connection. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def second_step_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def vote_code_refusal(request: HttpRequest) -> str:
    """The message refusing a voting code from this address now, or "" when it may try."""
    wait = selectors.throttle_wait(
        kind=Throttle.Kind.VOTE_CODE_ADDRESS, subject=selectors.client_address(request)
    )
    return vote_code_message(wait) if wait else ""


def vote_code_failed(request: HttpRequest) -> str:
    """Count a wrong voting code from this address; the refusal message once it must wait."""
    wait = services.throttle_fail(
        kind=Throttle.Kind.VOTE_CODE_ADDRESS, subject=selectors.client_address(request)
    )
    return vote_code_message(wait) if wait else ""
