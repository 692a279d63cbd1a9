"""What every governance page shares: the form template and the URLs of the app's pages."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from carecoop.core.types import Actor

FORM = "form.html"


def url(name: str, coop: str, **kwargs: Any) -> str:
    """The path of a governance page of the cooperative ``coop`` (its slug)."""
    return reverse(f"governance:{name}", kwargs={"coop": coop, **kwargs})


def actor(request: HttpRequest) -> Actor:
    """Who makes a write from a page: the signed-in user. Every page that writes asks for a
    cooperative permission, which an anonymous visitor never has."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
