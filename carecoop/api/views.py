"""The pages of the API: a user's tokens, and the API's documentation."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.api import selectors, services
from carecoop.api.api import api
from carecoop.api.forms import TokenForm
from carecoop.core.permissions import access_of, coop_permission, public
from carecoop.core.views import act

METHODS = ("get", "post", "put", "patch", "delete")


@coop_permission("coop.view")
def tokens(request: HttpRequest, coop: str) -> HttpResponse:
    """The user's API tokens in this cooperative; a new one is shown once, when it is made."""
    access = access_of(request)
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        made = act(
            request,
            lambda: services.token_create(access=access, name=form.cleaned_data["name"]),
            _("The token is made. Copy it now: it will not be shown again."),
        )
        if made is not None:
            secret = made[1]
            form = TokenForm()
    # A token made answers 201 with the page that shows it, rather than a redirect: its secret
    # is kept nowhere, not even in the session, to be shown after one.
    return render(
        request,
        "api/tokens.html",
        {"tokens": selectors.tokens(access=access)[:50], "form": form, "secret": secret},
        status=201 if secret else 200,
    )


@require_POST
@coop_permission("coop.view")
def token_revoke(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    token = selectors.tokens(access=access).filter(pk=pk).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token)
    messages.success(request, _("The token is revoked: it opens nothing any more."))
    return redirect("api_tokens", coop=coop)


@public
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, read from its OpenAPI document: every operation, what it takes
    and every answer it may give. Served as a plain page (no script from elsewhere)."""
    schema = api.get_openapi_schema()
    topics: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            found = item.get(method)
            if found is None:
                continue
            topics.setdefault((found.get("tags") or ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": found.get("summary", ""),
                    "description": found.get("description", ""),
                    "parameters": [
                        p for p in found.get("parameters", []) if p.get("name") != "coop"
                    ],
                    "body": "requestBody" in found,
                    "answers": sorted(found.get("responses", {})),
                }
            )
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "topics": sorted(topics.items())},
    )
