"""The database session backend, with each session's user recorded beside it."""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from carecoop.accounts.models import AccountSession

        return AccountSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance: Any = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get("_auth_user_id") or 0) or None
        except (TypeError, ValueError):
            instance.user_id = None
        return instance
