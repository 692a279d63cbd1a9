import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from carecoop.core.services import FORM_EXPIRED


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form: on their field, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, item)
    else:
        form.add_error(None, error)


KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


class SubmitOnce(forms.Form):
    """A form whose write must happen once however often it is sent (a double tap, a resend on a
    slow link): it carries a token made when the form is shown, and the service claims the token
    first thing (``core.services.submitted_once``), so the same token writes nothing more. A form
    sent without its token, or with one that is not a token, has expired: it says so above the
    form and nothing is written."""

    # Checked in ``clean``, not by the field: an error on a hidden field is shown nowhere.
    key = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4().hex

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not KEY.fullmatch(str(data.get("key") or "")):
            self.add_error(None, ValidationError(FORM_EXPIRED, code="form_expired"))
        return data
