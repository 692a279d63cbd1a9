"""Surveys a cooperative asks, each a questionnaire in versions: the XLSForm as uploaded, the
XForm built from it, and its questions as read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecoop.core.models import CoopForeignKey, CoopHistory, CoopOwned


class Survey(CoopOwned):
    """A questionnaire, known by its form's id (``form_id`` in the XLSForm's settings)."""

    code = models.CharField(_("form id"), max_length=60)
    title = models.CharField(_("title"), max_length=200)

    history = CoopHistory()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "code"],
                name="survey_unique_code",
                violation_error_message=_("A survey with this form id already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class SurveyVersion(CoopOwned):
    """One version of a survey's questionnaire, kept as it was uploaded and never changed: the
    answers given to it are read by its questions. The same file uploaded again is the same
    version (``digest``)."""

    survey = CoopForeignKey(
        Survey, models.CASCADE, related_name="versions", verbose_name=_("survey")
    )
    version = models.CharField(_("version"), max_length=40)
    digest = models.CharField(max_length=64, editable=False)  # SHA-256 of the file
    xlsform = models.BinaryField(_("XLSForm"), editable=False)
    xform = models.TextField(editable=False)
    questions = models.JSONField(default=list, editable=False)
    choices = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "survey", "version"],
                name="surveyversion_unique_version",
                violation_error_message=_("This version of the survey is already kept."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.version}"
