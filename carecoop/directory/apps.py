from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "carecoop.directory"
    label = "directory"
    verbose_name = _("Public directory")

    def ready(self) -> None:
        from carecoop.directory import permissions  # noqa: F401
