"""The one way a page runs a form through a service."""

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from carecoop.core.forms import apply_errors
from carecoop.core.pickers import LIMIT, PICK, pick_of, query_of, unchecked


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    next_url: str | Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` with the cleaned data (a service), then say
    ``done`` and go to ``next_url``. A service's validation error is shown on the form and nothing
    is saved. A "Find" button of a search picker (``core.pickers``) posts the form as a search
    step: it is shown again as sent, with the search's results, unsaved and without errors."""
    if request.method == "POST" and pick_of(request.POST):
        unchecked(form)
    elif request.method == "POST" and form.is_valid():
        try:
            result = save(dict(form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(next_url(result) if callable(next_url) else next_url)
    return render(request, template, {"form": form, **context})


def act(request: HttpRequest, action: Callable[[], Any], done: str | Callable[[Any], str]) -> Any:
    """Run a service behind a button and say what happened: ``done`` (or ``done(result)``) on
    success, the service's reasons when it refused. Returns the result, or None when refused."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


def form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
    invalid: str,
    next_url: str,
) -> HttpResponse:
    """A small form posted from another page (a button with a field or two): run ``save`` with
    the cleaned data through ``act``, or say ``invalid``; then go back to ``next_url``. A search
    picker's "Find" goes back there too, with the search in the address for its page to show
    (``core.pickers.searching``)."""
    if pick_of(request.POST):
        searches = {key: value for key, value in request.POST.items() if key.endswith("-q")}
        sep = "&" if "?" in next_url else "?"
        return redirect(next_url + sep + urlencode({PICK: pick_of(request.POST), **searches}))
    if form.is_valid():
        act(request, lambda: save(dict(form.cleaned_data)), done)
    else:
        for message in form.non_field_errors() or [invalid]:
            messages.error(request, str(message))
    return redirect(next_url)


FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")


def pick_results(
    request: HttpRequest, *, search: Callable[[str], Iterable[Any]], label: Callable[[Any], str]
) -> HttpResponse:
    """A search picker's results (``core.pickers``), for its box to show while typing: at most
    ``LIMIT`` rows found by ``search``, as radios (``many=1``: checkboxes) named ``field``."""
    field = request.GET.get("field", "")
    field = field if FIELD_NAME.fullmatch(field) else ""
    query = (request.GET.get("q") or query_of(request.GET, field)).strip()[:100]
    rows = list(search(query))[:LIMIT] if query and field else []
    context = {
        "name": field,
        "input_type": "checkbox" if request.GET.get("many") else "radio",
        "results": [(str(row.pk), label(row)) for row in rows],
        "searched": bool(query),
        "more": len(rows) >= LIMIT,
    }
    return render(request, "core/picker_results.html", context)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django cannot read (too large, a bad host): the page, or for the API the JSON
    refusal its schema declares."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("This request cannot be read"), "errors": []}, status=400)
    return defaults.bad_request(request, exception)


def offline_worker(
    request: HttpRequest, *, cache: str, files: list[str], path: str
) -> HttpResponse:
    """The service worker that keeps a page for use without a connection (the attendance
    sheet, a survey's form): every page whose address holds ``path`` and the site's static
    files, answered from ``cache`` when the network does not answer."""
    script = render_to_string(
        "core/sw.js", {"cache": cache, "files": files, "path": path}, request=request
    )
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
