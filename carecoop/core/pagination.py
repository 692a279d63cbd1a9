"""Keyset pagination: a page of rows after (or before) the last row seen, found through an index
however deep the page, instead of counting past every row before it.

A page names its neighbours by a cursor: the primary key of its last (or first) row, signed so
that it cannot be forged, and for one order of rows. The row's sort values (a person's name, for
the member list) are read back from the list itself, not carried in the address, where browsers'
histories and servers' logs would keep them. The keys must order the rows completely (end with a
column unique in the list) and, to be served by an index, be the columns of an index that leads
with the cooperative. A cursor that does not verify (tampered with, cut short, made for another
list's keys, or naming a row the list no longer holds) opens the first page, and the page says so
(``cursor_refused``)."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import CharField, F, Field, Func, Model, Q, QuerySet, Value
from django.db.models.lookups import (
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)

M = TypeVar("M", bound=Model)

_SALT = "carecoop.core.pagination"

# How a page is counted: a queryset of the same rows (counted as it stands, for example without
# the joins that only show or order the rows), or a function that returns the count.
Count = QuerySet[Any] | Callable[[], int]


@dataclass
class KeysetPage(Generic[M]):
    object_list: list[M]
    count: int
    next_cursor: str
    previous_cursor: str
    # True when ``count`` stopped at the cap given to ``keyset_page``: there are more rows.
    more: bool = False
    # True when a cursor was given but did not verify: this is the first page instead.
    cursor_refused: bool = False

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _signer(keys: tuple[str, ...]) -> signing.Signer:
    """Signs for one order of rows: a cursor of one list does not verify in a list ordered by
    other keys."""
    return signing.Signer(salt=f"{_SALT}:{','.join(keys)}")


def keyset_cursor(row: Model, *, keys: tuple[str, ...], after: bool = True) -> str:
    """The cursor of the page after ``row`` (before it, when not ``after``) in the order of
    ``keys``: what a page's next (previous) link carries."""
    raw = json.dumps(["after" if after else "before", row.pk], separators=(",", ":"))
    signed = _signer(keys).sign(raw)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: tuple[str, ...]) -> tuple[str, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = _signer(keys).unsign(base64.urlsafe_b64decode(padded).decode())
        direction, pk = json.loads(raw)
    except (ValueError, signing.BadSignature, UnicodeDecodeError, TypeError):
        return None
    if direction not in ("after", "before") or type(pk) is not int:
        return None
    return direction, pk


def _position(queryset: QuerySet[M], keys: tuple[str, ...], pk: int) -> list[Any] | None:
    """The sort values of the row ``pk`` in ``queryset`` (None when the list does not hold it:
    another cooperative's row, or one removed since)."""
    found = queryset.filter(pk=pk).values_list(*(k.lstrip("-") for k in keys)).first()
    return None if found is None else list(found)


class _Row(Func):
    """A row value, ``(a, b, c)``: compared as a whole, PostgreSQL reads it as a range of the
    index whose columns it names (or, of its leading columns, when a later one is another
    table's) and SQLite as a row-value comparison."""

    function = ""
    output_field = CharField()


def _field(model: type[Model], key: str) -> "Field[Any, Any]":
    """The field that ``key`` (a path through relations, as in ``order_by``) names."""
    *path, last = key.lstrip("-").split("__")
    for part in path:
        model = model._meta.get_field(part).related_model  # type: ignore[assignment]
    field = model._meta.get_field(last)
    assert isinstance(field, Field)
    return field


def _beyond(model: type[Model], keys: tuple[str, ...], values: list[Any], forward: bool) -> Q:
    """The rows that come after ``values`` in the order of ``keys`` (before, when not
    ``forward``). Keys that all run the same way are compared as one row value, which an index
    serves as a range; mixed ways are compared one column at a time, bounded by the first
    column so that the index's range starts at the cursor rather than at the list's start."""
    ascending = [not k.startswith("-") for k in keys]
    names = [k.lstrip("-") for k in keys]
    if all(a == ascending[0] for a in ascending):
        lookup = GreaterThan if ascending[0] == forward else LessThan
        cursor = []
        for name, value in zip(names, values, strict=True):
            field = _field(model, name)
            cursor.append(Value(field.to_python(value), output_field=field))
        beyond = Q(lookup(_Row(*(F(n) for n in names)), _Row(*cursor)))
        if len(keys) > 1:
            # The same, less strictly, without the last key: where the last key is a joined
            # row's key (``person_id`` beside the person's name), PostgreSQL reads no range of
            # the joined table's index for the whole row value, but does for this one.
            at_least = GreaterThanOrEqual if ascending[0] == forward else LessThanOrEqual
            prefix = _Row(*(F(n) for n in names[:-1]))
            beyond &= Q(at_least(prefix, _Row(*cursor[:-1])))
        return beyond
    condition = Q(pk__in=[])
    for i, name in enumerate(names):
        op = "gt" if ascending[i] == forward else "lt"
        equal = dict(zip(names[:i], values[:i], strict=True))
        condition |= Q(**equal, **{f"{name}__{op}": values[i]})
    bound = "gte" if ascending[0] == forward else "lte"
    return Q(**{f"{names[0]}__{bound}": values[0]}) & condition


def _counted(count: Count, cap: int | None) -> tuple[int, bool]:
    if callable(count):
        found = count()
    elif cap is None:
        found = count.count()
    else:
        found = count[: cap + 1].count()  # reads at most one row past the cap
    if cap is not None and found > cap:
        return cap, True
    return found, False


def keyset_page(
    queryset: QuerySet[M],
    *,
    keys: tuple[str, ...],
    cursor: str,
    size: int,
    count: Count | None = None,
    cap: int | None = None,
) -> KeysetPage[M]:
    """The page of ``queryset`` in the order of ``keys`` that ``cursor`` names (the first page
    when it names none, or names none that verifies), with the count of every row: counted by
    ``count`` when given (the same rows, read more cheaply), and, with a ``cap``, counted no
    further than the cap (``more`` then says there are more)."""
    decoded = _decode(cursor, keys) if cursor else None
    position = _position(queryset, keys, decoded[1]) if decoded else None
    found = (decoded[0], position) if decoded and position is not None else None
    reverse = tuple(k[1:] if k.startswith("-") else f"-{k}" for k in keys)
    if found is None:
        rows = list(queryset.order_by(*keys)[: size + 1])
        more_after, more_before = len(rows) > size, False
        rows = rows[:size]
    elif found[0] == "after":
        rows = list(
            queryset.filter(_beyond(queryset.model, keys, found[1], True)).order_by(*keys)[
                : size + 1
            ]
        )
        more_after, more_before = len(rows) > size, True
        rows = rows[:size]
    else:
        rows = list(
            queryset.filter(_beyond(queryset.model, keys, found[1], False)).order_by(*reverse)[
                : size + 1
            ]
        )
        more_after, more_before = True, len(rows) > size
        rows = rows[:size][::-1]
    total, more = _counted(queryset if count is None else count, cap)
    return KeysetPage(
        object_list=rows,
        count=total,
        next_cursor=keyset_cursor(rows[-1], keys=keys) if rows and more_after else "",
        previous_cursor=keyset_cursor(rows[0], keys=keys, after=False)
        if rows and more_before
        else "",
        more=more,
        cursor_refused=bool(cursor) and found is None,
    )
