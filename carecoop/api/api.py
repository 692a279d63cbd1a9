"""The API: one ``NinjaAPI``, its refusals, and the operations of ``operations.py`` under
``/api/v1/c/<coop>/``. Its OpenAPI document is served at ``/api/v1/openapi.json`` and read as a
page at ``/api/v1/docs``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from carecoop.api.access import SessionAuth, TokenAuth, UserThrottle
from carecoop.api.operations import router

api = NinjaAPI(
    title="carecoop",
    version="1",
    description=(
        "The API of a carecoop installation: a cooperative's members, households and children, "
        "centres, enrolments and attendance, invoices and payments, and its books. Every call "
        "acts as one user in one cooperative, with a token the user makes on the API tokens "
        "page (`Authorization: Bearer cc_…`), and sees exactly what that user sees in the pages."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[UserThrottle()],
    docs_url=None,
)
api.add_router("/c/{coop}", router)


def _refusal(request: HttpRequest, status: int, detail: str, errors: Any = ()) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": list(errors)}, status=status)


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's refusal (an amount over what is due, a date in a closed month)."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return _refusal(request, 400, " ".join(e["message"] for e in errors), errors)


@api.exception_handler(NinjaValidationError)
def _unreadable(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A parameter or body that does not have the declared form."""
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": _("This value is not valid here."),
        }
        for error in exc.errors
    ]
    return _refusal(request, 422, _("Some values of the request are not valid."), errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _refusal(
        request, 401, _("Send a valid API token: Authorization: Bearer followed by the token.")
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _refusal(request, 429, _("Too many calls: wait a minute and try again."))


@api.exception_handler(HttpError)
def _refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _refusal(request, exc.status_code, str(exc))


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _refusal(request, 403, _("Your role in this cooperative does not allow this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _refusal(request, 404, _("Not found."))
