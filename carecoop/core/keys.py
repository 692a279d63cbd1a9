"""What makes a row a cooperative's: its table has the cooperative's column. The schema editor,
the models, the database backend and the statement check all ask this one question here."""

import functools
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
