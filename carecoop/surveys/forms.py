from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecoop.core.imports import within_limits


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("questionnaire (XLSForm, XLSX)"),
        help_text=_(
            "The XLSForm of ODK or KoboToolbox: a “survey” sheet of questions, a “choices” "
            "sheet of answer lists, and a “settings” sheet with the form's id and version."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        within_limits(upload.size)
        return upload
