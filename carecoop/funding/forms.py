"""Forms parse and present input; the rules live in services."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE, MoneyField, SubmitOnce, money_in
from carecoop.funding.models import ExpenseCategory, Funder, FunderKind, Grant, PaidFrom
from carecoop.tenancy.models import Centre, Organisation


def _offer(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer in the choice field ``name`` the rows of ``queryset`` only."""
    cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = queryset


def _centres(coop: Organisation) -> QuerySet[Centre]:
    return Centre.objects.filter(coop_id=coop.pk).order_by("name")


class FunderForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=FunderKind.choices)
    contact = forms.CharField(label=_("contact"), max_length=200, required=False)


class GrantForm(SubmitOnce):
    funder = forms.ModelChoiceField(label=_("funder"), queryset=Funder.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    amount = MoneyField(label=_("amount"))
    currency = forms.CharField(label=_("currency"), max_length=3)
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("until"), widget=DATE)
    restricted = forms.BooleanField(label=_("restricted to a purpose"), required=False)
    purpose = forms.CharField(label=_("purpose"), max_length=300, required=False)
    centre = forms.ModelChoiceField(
        label=_("centre"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "funder", Funder.objects.filter(coop_id=coop.pk))
        _offer(self, "centre", _centres(coop))
        self.fields["currency"].initial = coop.currency


class DisbursementForm(SubmitOnce):
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)
    amount = MoneyField(label=_("amount"))
    reference = forms.CharField(label=_("reference"), max_length=80, required=False)


class ExpenseForm(SubmitOnce):
    date = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    category = forms.ChoiceField(label=_("category"), choices=ExpenseCategory.choices)
    amount = MoneyField(label=_("amount"))
    paid_from = forms.ChoiceField(label=_("paid from"), choices=PaidFrom.choices)
    description = forms.CharField(label=_("description"), max_length=200)
    centre = forms.ModelChoiceField(
        label=_("centre"), queryset=Centre.objects.none(), required=False
    )
    grant = forms.ModelChoiceField(
        label=_("paid from the grant"), queryset=Grant.objects.none(), required=False
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "centre", _centres(coop))
        _offer(self, "grant", Grant.objects.filter(coop_id=coop.pk))
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": coop.currency}
        money_in(self, coop.currency)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("category"), choices=ExpenseCategory.choices)
    amount = MoneyField(label=_("amount for the year"))
    centre = forms.ModelChoiceField(
        label=_("centre"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, coop: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "centre", _centres(coop))
        self.fields["year"].initial = timezone.localdate().year
        money_in(self, coop.currency)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("from"), widget=DATE, required=False)
    until = forms.DateField(label=_("until"), widget=DATE, required=False)


class ScenarioForm(forms.Form):
    places = forms.IntegerField(label=_("places"), min_value=1, max_value=10000)
    occupancy = forms.IntegerField(label=_("places filled (%)"), min_value=0, max_value=100)
    fee = MoneyField(label=_("monthly fee per child"))
    wages = MoneyField(label=_("wages a month"))
    other_costs = MoneyField(label=_("other running costs a month"))
    subsidy = MoneyField(label=_("subsidy per child a month"))
    collection = forms.IntegerField(label=_("fees actually paid (%)"), min_value=0, max_value=100)
    waivers = forms.IntegerField(label=_("fees waived (%)"), min_value=0, max_value=100)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_in(self, currency)


class PlanForm(forms.Form):
    places = forms.IntegerField(label=_("places"), min_value=1, max_value=10000, initial=30)
    fee = MoneyField(label=_("monthly fee per child"))
    occupancy_start = forms.IntegerField(
        label=_("places filled when opening (%)"), min_value=0, max_value=100, initial=40
    )
    occupancy_target = forms.IntegerField(
        label=_("places filled later (%)"), min_value=0, max_value=100, initial=90
    )
    months_to_fill = forms.IntegerField(
        label=_("months to fill"), min_value=0, max_value=36, initial=6
    )
    setup_cost = MoneyField(label=_("set-up cost (rooms, equipment, licence)"))
    running_cost = MoneyField(label=_("running cost a month, wages included"))
    setup_grant = MoneyField(label=_("set-up grants"), initial=0)
    subsidy = MoneyField(label=_("subsidy per child a month"), initial=0)
    collection = forms.IntegerField(
        label=_("fees actually paid (%)"), min_value=0, max_value=100, initial=90
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_in(self, currency)
