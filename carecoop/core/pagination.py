"""Keyset pagination: a page of rows after (or before) the last row seen, found through an index
however deep the page, instead of counting past every row before it.

A page names its neighbours by a cursor, the key of its last (or first) row, signed so that it
cannot be forged into an unrelated query; the keys must order the rows completely (end with a
unique column) and, to be served by an index, be the columns of an index that leads with the
cooperative."""

import base64
import datetime
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

_SALT = "carecoop.core.pagination"


@dataclass
class KeysetPage(Generic[M]):
    object_list: list[M]
    count: int
    next_cursor: str
    previous_cursor: str

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _value(obj: Model, key: str) -> Any:
    value: Any = obj
    for part in key.lstrip("-").split("__"):
        value = getattr(value, part)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _encode(direction: str, values: list[Any]) -> str:
    raw = json.dumps([direction, values], separators=(",", ":"))
    signed = signing.Signer(salt=_SALT).sign(raw)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> tuple[str, list[Any]] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = signing.Signer(salt=_SALT).unsign(base64.urlsafe_b64decode(padded).decode())
        direction, values = json.loads(raw)
    except (ValueError, signing.BadSignature, UnicodeDecodeError, TypeError):
        return None
    if direction not in ("after", "before") or not isinstance(values, list):
        return None
    if len(values) != size:
        return None
    return direction, values


def _beyond(keys: tuple[str, ...], values: list[Any], forward: bool) -> Q:
    """The rows that come after ``values`` in the order of ``keys`` (before, when not
    ``forward``): the lexicographic comparison, one column at a time."""
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        name = key.lstrip("-")
        ascending = not key.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        equal = {k.lstrip("-"): v for k, v in zip(keys[:i], values[:i], strict=True)}
        condition |= Q(**equal, **{f"{name}__{lookup}": values[i]})
    return condition


def keyset_page(
    queryset: QuerySet[M], *, keys: tuple[str, ...], cursor: str, size: int
) -> KeysetPage[M]:
    """The page of ``queryset`` in the order of ``keys`` that ``cursor`` names (the first page
    when it names none), with the count of every row."""
    found = _decode(cursor, len(keys)) if cursor else None
    reverse = tuple(k[1:] if k.startswith("-") else f"-{k}" for k in keys)
    if found is None:
        rows = list(queryset.order_by(*keys)[: size + 1])
        more_after, more_before = len(rows) > size, False
        rows = rows[:size]
    elif found[0] == "after":
        rows = list(queryset.filter(_beyond(keys, found[1], True)).order_by(*keys)[: size + 1])
        more_after, more_before = len(rows) > size, True
        rows = rows[:size]
    else:
        rows = list(queryset.filter(_beyond(keys, found[1], False)).order_by(*reverse)[: size + 1])
        more_after, more_before = True, len(rows) > size
        rows = rows[:size][::-1]
    next_cursor = _encode("after", [_value(rows[-1], k) for k in keys]) if rows else ""
    previous_cursor = _encode("before", [_value(rows[0], k) for k in keys]) if rows else ""
    return KeysetPage(
        object_list=rows,
        count=queryset.count(),
        next_cursor=next_cursor if more_after else "",
        previous_cursor=previous_cursor if more_before else "",
    )
