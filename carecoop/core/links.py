"""Links for the rows of a list, reversed once for the whole column rather than once a row."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A value every integer converter accepts and no other part of a URL holds.
MARKER = "2147483647"


def row_url(name: str, *, key: str = "pk", **kwargs: Any) -> Callable[[int], str]:
    """The URL named ``name`` for each value of its ``key`` argument (an integer), the other
    arguments fixed: ``row_url("members:detail", coop=slug)(person.pk)``."""
    url = reverse(name, kwargs={**kwargs, key: MARKER})
    head, found, tail = url.partition(MARKER)
    if not found or MARKER in tail:
        raise ValueError(f"{name} does not take its {key} once in its path.")

    def url_of(value: int) -> str:
        return f"{head}{int(value)}{tail}"

    return url_of
