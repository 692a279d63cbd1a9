"""Types at the contract of every service."""

from typing import TypeAlias

from django.contrib.auth.models import User

Actor: TypeAlias = User | None
"""Who makes a write: the signed-in user, or ``None`` for carecoop itself (the demonstration
loader, a scheduled job). Recorded in the audit columns (``recorded_by``, history)."""
