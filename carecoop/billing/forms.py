"""Forms parse and present input; the rules live in services."""

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.billing import fees
from carecoop.billing.models import ContributionKind, FeeCategory, Method, WaiverCriterion
from carecoop.care.models import SeatPool
from carecoop.core.forms import DATE, MoneyField, SubmitOnce, money_in
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.core.uploads import import_within_limits
from carecoop.members import forms as member_forms
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Centre, Organisation

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _offer(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer in the choice field ``name`` the rows of ``queryset`` only."""
    cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = queryset


class MonthField(forms.DateField):
    widget = MONTH

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)


class RunForm(forms.Form):
    month = MonthField(label=_("month"), initial=lambda: timezone.localdate().replace(day=1))
    catch_up = forms.BooleanField(
        label=_("also bill every earlier month that was missed"), required=False, initial=True
    )
    in_advance = forms.BooleanField(
        label=_("Yes, bill this month before it begins"),
        required=False,
        help_text=_("Needed only for next month. Further ahead cannot be billed."),
    )


class FeeCategoryForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=100)
    pool = forms.ModelChoiceField(
        label=_("for children in this pool of places"),
        queryset=SeatPool.objects.none(),
        required=False,
    )
    member_class = forms.ModelChoiceField(
        label=_("for children of this member class"),
        queryset=MemberClass.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "pool", SeatPool.objects.filter(coop_id=coop.pk).select_related("centre"))
        _offer(self, "member_class", MemberClass.objects.filter(coop_id=coop.pk))


class FeeScheduleForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("centre"), queryset=Centre.objects.none())
    category = forms.ModelChoiceField(label=_("fee category"), queryset=FeeCategory.objects.none())
    amount = MoneyField(label=_("monthly fee"))
    effective_from = MonthField(label=_("effective from"))
    effective_until = MonthField(
        label=_("effective until"), required=False, help_text=_("The last month it is charged.")
    )

    def clean_effective_until(self) -> datetime.date | None:
        until = self.cleaned_data.get("effective_until")
        return fees.month_end(until) if until else None

    board_decision = forms.CharField(
        label=_("board decision"),
        max_length=200,
        help_text=_("The reference of the board's decision that set this fee."),
    )
    sibling_discount_percent = forms.IntegerField(
        label=_("discount for each further child (%)"), min_value=0, max_value=100, initial=0
    )
    prorate = forms.BooleanField(
        label=_("charge part months by the day"), required=False, initial=True
    )
    absence_days = forms.IntegerField(
        label=_("absences before a credit (days)"), min_value=0, max_value=31, required=False
    )
    absence_credit_percent = forms.IntegerField(
        label=_("credit for long absence (%)"), min_value=0, max_value=100, initial=0
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "centre", Centre.objects.filter(coop_id=coop.pk))
        _offer(self, "category", FeeCategory.objects.filter(coop_id=coop.pk))
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": coop.currency}
        money_in(self, coop.currency)


class PaymentForm(SubmitOnce):
    method = forms.ChoiceField(label=_("method"), choices=Method.choices, initial=Method.CASH)
    amount = MoneyField(label=_("amount"))
    currency = forms.CharField(label=_("currency"), max_length=3)
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(
        label=_("reference"),
        max_length=80,
        required=False,
        help_text=_("The mobile money or bank transfer reference."),
    )
    payer = forms.CharField(label=_("paid by"), max_length=200, required=False)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = currency
        money_in(self, currency)


class PaymentByNumberForm(PaymentForm):
    invoice = forms.CharField(label=_("invoice number"), max_length=30)
    field_order = ["invoice"]


class StatementForm(forms.Form):
    provider = forms.CharField(label=_("payment provider"), max_length=60)
    method = forms.ChoiceField(
        label=_("paid by"),
        choices=[(Method.MOBILE, Method.MOBILE.label), (Method.BANK, Method.BANK.label)],
    )
    file = forms.FileField(
        label=_("statement (CSV)"),
        help_text=_("Columns: date, reference, amount, currency, payer, phone, message."),
        validators=[import_within_limits],
    )


class ProviderForm(forms.Form):
    name = forms.SlugField(
        label=_("provider's name"),
        max_length=40,
        help_text=_("Short, without spaces: it is part of the address the provider calls."),
    )
    method = forms.ChoiceField(
        label=_("paid by"),
        choices=[(Method.MOBILE, Method.MOBILE.label), (Method.BANK, Method.BANK.label)],
    )


class MatchForm(forms.Form):
    invoice = forms.CharField(label=_("invoice number"), max_length=30, required=False)


class WaiverApplicationForm(forms.Form):
    household = PickerField(label=_("household"))
    criterion = forms.ModelChoiceField(
        label=_("criterion"), queryset=WaiverCriterion.objects.none()
    )
    percent = forms.IntegerField(label=_("share of the fee waived (%)"), min_value=1, max_value=100)
    first_month = MonthField(label=_("from month"))
    last_month = MonthField(label=_("until month"))
    reason = forms.CharField(label=_("circumstances"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, access: Access, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "household", access=access, kind="households")
        _offer(self, "criterion", WaiverCriterion.objects.filter(coop_id=coop.pk))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(label=_("decision"), max_length=300, required=False)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    description = forms.CharField(
        label=_("who qualifies"), widget=forms.Textarea(attrs={"rows": 3})
    )
    max_percent = forms.IntegerField(
        label=_("largest share waived (%)"), min_value=1, max_value=100, initial=100
    )


class ContributionForm(SubmitOnce):
    kind = forms.ChoiceField(label=_("kind"), choices=ContributionKind.choices)
    amount = MoneyField(label=_("amount"))
    received_on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    source = forms.CharField(label=_("from"), max_length=200)
    decision = forms.CharField(label=_("board decision"), max_length=200, required=False)


class MonthForm(forms.Form):
    month = MonthField(label=_("month"), initial=lambda: timezone.localdate().replace(day=1))
