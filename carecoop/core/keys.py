"""What makes a row a cooperative's: its table has the cooperative's column. The schema editor,
the models, the database backend and the statement check all ask this one question here."""

import contextlib
import functools
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

COOP = "coop_id"


def owned(model: Any) -> bool:
    """Whether ``model``'s rows belong to a cooperative: its table has the cooperative's column.
    Decided by the columns alone, so it holds for the models of a migration's state as well as
    the application's own, and for their history tables."""
    return any(field.column == COOP for field in model._meta.concrete_fields)


@functools.cache
def owned_model(model: Any) -> bool:
    """``owned`` for an application's model, remembered: it is asked for every join a query
    compiles. Anything that is not a model class (a join to a table function) is not owned."""
    return isinstance(model, type) and hasattr(model, "_meta") and owned(model)


_deleting: ContextVar[frozenset[int]] = ContextVar("carecoop_deleting", default=frozenset())


@contextlib.contextmanager
def deleting(coops: Iterable[int]) -> Iterator[None]:
    """While a deletion removes rows of these cooperatives only, and whatever else it writes is
    a row of theirs too: the PostgreSQL backend then names them in each ``DELETE`` and
    ``UPDATE`` of a cooperative's table it sends (``core.postgresql.compiler``). Django's
    deletion writes by id alone; a database sharded by cooperative reaches one shard only
    when the statement names the cooperative."""
    token = _deleting.set(frozenset(coops))
    try:
        yield
    finally:
        _deleting.reset(token)


def coops_deleting() -> frozenset[int]:
    """The cooperatives whose rows the deletion under way removes (none when there is none)."""
    return _deleting.get()
