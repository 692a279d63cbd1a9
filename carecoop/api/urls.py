"""The API under ``/api/v1/``, its documentation page, and the tokens page of a cooperative.

The API's own views check their callers themselves (a token or the session, ``access.py``):
the access middleware lets them through as policy "api", and the sign-in redirect does not
apply to them."""

from django.urls import URLPattern, URLResolver, path

from carecoop.api import views
from carecoop.api.api import api
from carecoop.core.permissions import POLICY_ATTR, Policy


def _api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
            setattr(pattern.callback, POLICY_ATTR, Policy("api"))
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/docs", views.docs, name="api_docs"),
    path("api/v1/", _api_urls()),
    path("c/<slug:coop>/api/tokens/", views.tokens, name="api_tokens"),
    path("c/<slug:coop>/api/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
