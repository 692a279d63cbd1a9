"""PostgreSQL as carecoop uses it: Django's own backend, with keys shaped for a database sharded by
cooperative (Citus). Every table of a cooperative's rows is keyed by ``(coop_id, id)``, every
unique constraint on it names the cooperative, and every foreign key between two such tables is
``(coop_id, x_id) → (coop_id, id)``. Django still knows ``id`` as the primary key: ``id`` is
unique on its own by its identity sequence, and each row is found by its cooperative and its id.

The schema editor does this for every table a migration creates or changes, so a new model is
born in this shape without anyone remembering to make it so (docs/architecture.md)."""

from typing import Any

from django.db.backends.postgresql import base, features

from carecoop.core.postgresql.schema import CoopSchemaEditor, owned


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model: Any) -> bool:
        """Django groups a query by a model's primary key alone when it selects the model, since
        PostgreSQL knows the other columns depend on it. On a cooperative's table the key is
        ``(coop_id, id)``, so the other columns are named too."""
        return not owned(model) and super().allows_group_by_selected_pks_on_model(model)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = CoopSchemaEditor
    features_class = DatabaseFeatures
