from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "carecoop.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from carecoop.members import permissions  # noqa: F401
