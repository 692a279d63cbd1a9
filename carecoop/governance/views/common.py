"""What every governance page shares: the form template and the URLs of the app's pages."""

from typing import Any

from django.urls import reverse

FORM = "form.html"


def url(name: str, coop: str, **kwargs: Any) -> str:
    """The path of a governance page of the cooperative ``coop`` (its slug)."""
    return reverse(f"governance:{name}", kwargs={"coop": coop, **kwargs})
