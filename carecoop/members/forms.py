"""Forms parse and present input; the rules live in services."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE, TIME, MoneyField, ServiceModelForm, money_in
from carecoop.core.languages import shipped_languages
from carecoop.core.money import parse_amount, to_decimal
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerMixin
from carecoop.members import selectors
from carecoop.members.labels import child_label, household_label, membership_label, person_label
from carecoop.members.models import (
    GuardianRelation,
    MemberClass,
    MembershipStatus,
    Person,
    WorkRecord,
)
from carecoop.members.services import TRANSITIONS
from carecoop.tenancy.models import Centre

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "preferred_language",
    "consent_given_on",
    "consent_note",
]
SENSITIVE_FIELDS = ["displacement_status", "disability"]


class PersonForm(ServiceModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS + SENSITIVE_FIELDS
        widgets = {"date_of_birth": DATE, "consent_given_on": DATE}

    def __init__(self, *args: Any, show_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language named in itself, so a person finds her own whatever the page's language.
        language = cast("forms.TypedChoiceField", self.fields["preferred_language"])
        language.choices = [("", "---------"), *shipped_languages()]
        if not show_sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]


class MemberCreateForm(PersonForm):
    member_class = forms.ModelChoiceField(
        label=_("member class"), queryset=MemberClass.objects.none()
    )
    number = forms.CharField(
        label=_("member number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to use the next number."),
    )
    applied_on = forms.DateField(label=_("applied on"), widget=DATE, initial=timezone.localdate)
    admitted_on = forms.DateField(
        label=_("admitted on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty while the application waits for the board."),
    )
    centre = forms.ModelChoiceField(
        label=_("care centre used"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_class"].queryset = MemberClass.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]
        self.fields["centre"].queryset = Centre.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]


class MemberClassForm(ServiceModelForm):
    class Meta:
        model = MemberClass
        fields = [
            "code",
            "name",
            "description",
            "may_vote",
            "vote_weight_percent",
            "may_hold_office",
            "may_enrol_children",
            "min_shares",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MembershipForm(forms.Form):
    member_class = forms.ModelChoiceField(
        label=_("member class"), queryset=MemberClass.objects.none()
    )

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_class"].queryset = MemberClass.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    effective_on = forms.DateField(label=_("effective on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (s.value, s.label) for s in MembershipStatus if s.value in TRANSITIONS[current]
        ]


class ChildForm(ServiceModelForm):
    relation = forms.ChoiceField(
        label=_("relation of the guardian to the child"), choices=GuardianRelation.choices
    )

    class Meta:
        model = Person
        fields = ["given_name", "family_name", "date_of_birth", "sex"]
        widgets = {"date_of_birth": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True


class WorkRecordForm(ServiceModelForm):
    income = MoneyField(label=_("income"), required=False)
    usual_days = forms.MultipleChoiceField(
        label=_("usual working days"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("1", _("Monday")),
            ("2", _("Tuesday")),
            ("3", _("Wednesday")),
            ("4", _("Thursday")),
            ("5", _("Friday")),
            ("6", _("Saturday")),
            ("7", _("Sunday")),
        ],
    )

    class Meta:
        model = WorkRecord
        fields = [
            "status_in_employment",
            "occupation",
            "activity",
            "registered_business",
            "social_insurance",
            "paid_annual_leave",
            "paid_sick_leave",
            "usual_days",
            "usual_start",
            "usual_end",
            "income_period",
        ]
        widgets = {"usual_start": TIME, "usual_end": TIME}

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        money_in(self, currency)
        self.fields["income"].help_text = _("In %(currency)s.") % {"currency": currency}
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            self.initial["usual_days"] = list(instance.usual_days)
            if instance.income_minor is not None:
                self.initial["income"] = to_decimal(instance.income_minor, currency)

    def clean_usual_days(self) -> str:
        return "".join(sorted(self.cleaned_data["usual_days"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        income = data.get("income")
        if income is not None:
            data["income_minor"] = parse_amount(income, self.currency)
        else:
            data["income_minor"] = None
        if data.get("income_minor") is not None and not data.get("income_period"):
            self.add_error("income_period", _("Say whether the income is per day, week or month."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["income_minor"] = self.cleaned_data["income_minor"]
        data["income_currency"] = self.currency if data["income_minor"] is not None else ""
        return data


# Search pickers of the registry's rows (``core.pickers``), for any app's form, each naming its
# rows with the one label of its kind (``labels``).


@dataclass(frozen=True)
class Pick:
    """One kind of picker: what the role may choose, how it searches, how a row is named."""

    choosable: Callable[[Access], QuerySet[Any]]
    search: Callable[[Access, str], list[Any]]
    label: Callable[[Any], str]
    hint: Any


BY_NUMBER = _("Name, phone or member number")
PICKS: dict[str, Pick] = {
    "members": Pick(
        lambda access: selectors.pickable_memberships(access=access, current=True),
        lambda access, q: selectors.pick_memberships(access=access, query=q, current=True),
        membership_label,
        BY_NUMBER,
    ),
    "memberships": Pick(
        lambda access: selectors.pickable_memberships(access=access),
        lambda access, q: selectors.pick_memberships(access=access, query=q),
        membership_label,
        BY_NUMBER,
    ),
    "people": Pick(
        lambda access: selectors.pickable_people(access=access),
        lambda access, q: selectors.pick_people(access=access, query=q),
        person_label,
        BY_NUMBER,
    ),
    "children": Pick(
        lambda access: selectors.pickable_people(access=access, children=True),
        lambda access, q: selectors.pick_people(access=access, query=q, children=True),
        child_label,
        _("Name of the child"),
    ),
    "households": Pick(
        lambda access: selectors.pickable_households(access=access),
        lambda access, q: selectors.pick_households(access=access, query=q),
        household_label,
        _("Household, or a name, phone or member number in it"),
    ),
}


def pick_url(access: Access, kind: str) -> str:
    return reverse(f"members:pick_{kind}", kwargs={"coop": access.org.slug})


def offer(
    form: forms.BaseForm, name: str, *, access: Access, kind: str, browse: bool = False
) -> None:
    """Make the picker ``name`` of ``form`` choose among the registry's rows of ``kind`` (a key
    of ``PICKS``) that the role may see; ``browse``: show the first of them before a search."""
    pick = PICKS[kind]
    field = form.fields[name]
    assert isinstance(field, PickerMixin), name
    field.offer(
        pick.choosable(access),
        url=pick_url(access, kind),
        search=lambda q: pick.search(access, q),
        label=pick.label,
        hint=pick.hint,
        browse=browse,
    )
