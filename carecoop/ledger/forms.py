"""Forms parse and present input; the rules live in services."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE, MoneyField, SubmitOnce
from carecoop.core.money import parse_amount
from carecoop.ledger.models import Account
from carecoop.tenancy.models import Centre, Organisation

ROWS = 4


def _offer(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer in the choice field ``name`` the rows of ``queryset`` only."""
    cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = queryset


class ManualEntryForm(SubmitOnce):
    date = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    memo = forms.CharField(label=_("description"), max_length=300)

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = coop.currency
        accounts = Account.objects.filter(coop_id=coop.pk).order_by("code")
        centres = Centre.objects.filter(coop_id=coop.pk).order_by("name")
        for i in range(1, ROWS + 1):
            self.fields[f"account_{i}"] = forms.ModelChoiceField(
                label=_("account %(n)s") % {"n": i}, queryset=accounts, required=i <= 2
            )
            self.fields[f"debit_{i}"] = MoneyField(
                label=_("debit"), required=False, currency=self.currency
            )
            self.fields[f"credit_{i}"] = MoneyField(
                label=_("credit"), required=False, currency=self.currency
            )
            self.fields[f"centre_{i}"] = forms.ModelChoiceField(
                label=_("centre"), queryset=centres, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows = []
        for i in range(1, ROWS + 1):
            account = data.get(f"account_{i}")
            if account is None:
                continue
            amounts = [
                parse_amount(data.get(f"{name}_{i}") or Decimal(0), self.currency)
                for name in ("debit", "credit")
            ]
            rows.append((account, amounts[0], amounts[1], data.get(f"centre_{i}")))
        data["rows"] = rows
        return data


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("date of the reversal"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("why"), max_length=200)


class RateForm(forms.Form):
    base = forms.CharField(label=_("from currency"), max_length=3)
    quote = forms.CharField(label=_("to currency"), max_length=3)
    on = forms.DateField(label=_("valid from"), widget=DATE, initial=timezone.localdate)
    rate = forms.DecimalField(
        label=_("rate"), min_value=0, max_value=1_000_000, max_digits=13, decimal_places=6
    )
    source = forms.CharField(label=_("source"), max_length=200, required=False)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("from"), widget=DATE, required=False)
    until = forms.DateField(label=_("until"), widget=DATE, required=False)
    centre = forms.ModelChoiceField(
        label=_("centre"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "centre", Centre.objects.filter(coop_id=coop.pk).order_by("name"))
