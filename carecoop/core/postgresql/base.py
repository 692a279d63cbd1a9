"""PostgreSQL as carecoop uses it: Django's own backend, with keys shaped for a database sharded by
cooperative (Citus). Every table of a cooperative's rows is keyed by ``(coop_id, id)``, every
unique constraint on it names the cooperative, and every foreign key between two such tables is
``(coop_id, x_id) → (coop_id, id)``. Django still knows ``id`` as the primary key: ``id`` is
unique on its own by its identity sequence, and each row is found by its cooperative and its id.

The schema editor does this for every table a migration creates or changes, so a new model is
born in this shape without anyone remembering to make it so (docs/architecture.md)."""

from typing import Any

from django.db import IntegrityError
from django.db.backends.postgresql import base, features, operations
from django.db.utils import DatabaseErrorWrapper
from django.utils.functional import cached_property

from carecoop.core.keys import owned
from carecoop.core.postgresql.schema import CoopSchemaEditor


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model: Any) -> bool:
        """Django groups a query by a model's primary key alone when it selects the model, since
        PostgreSQL knows the other columns depend on it. On a cooperative's table the key is
        ``(coop_id, id)``, so the other columns are named too."""
        return not owned(model) and super().allows_group_by_selected_pks_on_model(model)


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "carecoop.core.postgresql.compiler"


class ErrorWrapper(DatabaseErrorWrapper):
    """Django's translation of the database's errors, which also knows a unique constraint's
    refusal when a Citus worker reports it to the coordinator as an internal error (SQLSTATE
    XX000, as a duplicate inside ``INSERT … SELECT`` arrives): it is an ``IntegrityError``, as
    on one PostgreSQL, so the code that expects one (a form sent twice) still answers well."""

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if (
            exc_value is not None
            and getattr(exc_value, "sqlstate", None) == "XX000"
            and "duplicate key value violates unique constraint" in str(exc_value)
        ):
            raise IntegrityError(*exc_value.args).with_traceback(traceback) from exc_value
        return super().__exit__(exc_type, exc_value, traceback)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = CoopSchemaEditor
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    @cached_property
    def wrap_database_errors(self) -> ErrorWrapper:
        return ErrorWrapper(self)
