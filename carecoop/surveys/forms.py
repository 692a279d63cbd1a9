from django.utils.translation import gettext_lazy as _

from carecoop.core.registers import RegisterFileForm

LABEL = _("questionnaire (XLSForm, XLSX)")
HINT = _(
    "The XLSForm of ODK or KoboToolbox: a “survey” sheet of questions, a “choices” "
    "sheet of answer lists, and a “settings” sheet with the form's id and version."
)


def survey_upload_form(*args: object) -> RegisterFileForm:
    """The questionnaire's file, refused before it is read when it is too large."""
    return RegisterFileForm(*args, hint=HINT, label=LABEL)
