import re
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats

from carecoop.core.money import parse_amount, parse_decimal, to_decimal
from carecoop.core.services import FORM_EXPIRED

# The browser's own pickers: a calendar on a phone, in the phone's language.
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})


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


class ServiceModelForm(forms.ModelForm):
    """A form with a model's fields, labels and widgets that only reads them. The service it is
    sent to builds the row and validates it, inside the cooperative's scope and its transaction
    (uniqueness, the cooperative of each linked row); a plain ModelForm would fill and validate
    an instance of its own first, outside both."""

    def _post_clean(self) -> None:
        """Nothing: the service builds and validates the row."""


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


class MoneyField(forms.DecimalField):
    """The one field for an amount of money, in every form and query: read by
    ``money.parse_amount`` (plain figures, at least zero, no more decimals than the currency has,
    not beyond ``money.MAX_MINOR``). When the currency is chosen in the same form, ``currency``
    is None here and the service checks the decimals against the chosen currency."""

    def __init__(self, *, currency: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("decimal_places", None)
        kwargs.pop("min_value", None)
        super().__init__(**kwargs)
        self.currency = currency

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if self.localize and isinstance(value, str):
            value = formats.sanitize_separators(value)
        if self.currency:
            return to_decimal(parse_amount(value, self.currency), self.currency)
        return parse_decimal(value)


def money_in(form: forms.BaseForm, currency: str) -> None:
    """Read every amount of ``form`` in ``currency`` (its decimals and its limit)."""
    for field in form.fields.values():
        if isinstance(field, MoneyField):
            field.currency = currency
