from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "carecoop.surveys"
    label = "surveys"
    verbose_name = _("Surveys and indicators")

    def ready(self) -> None:
        # The shipped indicators' texts, a table ``shown`` translates (core.shipped).
        from carecoop.surveys import (
            indicators,  # noqa: F401
            permissions,  # noqa: F401
        )
