"""The one way a page runs a form through a service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from carecoop.core.forms import apply_errors


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
    is saved."""
    if request.method == "POST" and form.is_valid():
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
    the cleaned data through ``act``, or say ``invalid``; then go back to ``next_url``."""
    if form.is_valid():
        act(request, lambda: save(dict(form.cleaned_data)), done)
    else:
        for message in form.non_field_errors() or [invalid]:
            messages.error(request, str(message))
    return redirect(next_url)
