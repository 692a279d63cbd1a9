"""Forms parse and present input; the rules live in services."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.care.models import Room, Weekday
from carecoop.core.forms import DATE, TIME, MoneyField
from carecoop.core.money import to_decimal
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField, PickerMixin, PickerMultipleField
from carecoop.members import forms as member_forms
from carecoop.staffing import selectors
from carecoop.staffing.models import (
    Employment,
    RatioRuleSet,
    ShiftTemplate,
    Staff,
    StaffRole,
    TrainingTopic,
    WagePeriod,
)
from carecoop.tenancy.models import Centre, Organisation


def _offer(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer in the choice field ``name`` the rows of ``queryset`` only."""
    cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = queryset


def staff_label(staff: Staff) -> str:
    return f"\u2068{staff.full_name}\u2069 · {staff.get_role_display()} · \u2068{staff.centre.name}\u2069"


def offer_staff(
    form: forms.BaseForm, name: str, *, access: Access, centre_id: int | None = None
) -> None:
    """Make the picker ``name`` of ``form`` choose among the current staff the role may see
    (of ``centre_id`` only, if given)."""
    field = form.fields[name]
    assert isinstance(field, PickerMixin), name
    url = reverse("staffing:pick", kwargs={"coop": access.org.slug})
    field.offer(
        selectors.staff_list(access=access, centre_id=centre_id),
        url=url + (f"?centre={centre_id}" if centre_id else ""),
        search=lambda q: selectors.pick_staff(access=access, query=q, centre_id=centre_id),
        label=staff_label,
        hint=_("Name"),
    )


class StaffForm(forms.Form):
    given_name = forms.CharField(label=_("given name"), max_length=100)
    family_name = forms.CharField(label=_("family name"), max_length=100, required=False)
    centre = forms.ModelChoiceField(label=_("centre"), queryset=Centre.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=StaffRole.choices)
    employment = forms.ChoiceField(
        label=_("employment"), choices=Employment.choices, initial=Employment.EMPLOYED
    )
    hours_per_week = forms.DecimalField(
        label=_("contracted hours per week"), min_value=0, max_value=80, decimal_places=1
    )
    wage = MoneyField(label=_("wage"), required=False)
    wage_currency = forms.CharField(label=_("currency"), max_length=3, required=False)
    wage_period = forms.ChoiceField(
        label=_("wage period"), choices=[("", "—"), *WagePeriod.choices], required=False
    )
    person = PickerField(
        label=_("member record"),
        required=False,
        help_text=_("Only if this person is in the cooperative's records."),
    )
    started_on = forms.DateField(label=_("started on"), widget=DATE, initial=timezone.localdate)
    ended_on = forms.DateField(label=_("left on"), widget=DATE, required=False)

    def __init__(
        self,
        *args: Any,
        coop: Organisation,
        access: Access,
        centres: QuerySet[Centre],
        instance: Staff | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "given_name": instance.given_name,
                "family_name": instance.family_name,
                "centre": instance.centre_id,
                "role": instance.role,
                "employment": instance.employment,
                "hours_per_week": instance.hours_per_week,
                "wage": to_decimal(instance.wage_minor, instance.wage_currency)
                if instance.wage_minor is not None
                else None,
                "wage_currency": instance.wage_currency,
                "wage_period": instance.wage_period,
                "person": instance.person_id,
                "started_on": instance.started_on,
                "ended_on": instance.ended_on,
            }
        super().__init__(*args, **kwargs)
        _offer(self, "centre", centres)
        member_forms.offer(self, "person", access=access, kind="people")
        if not self.initial.get("wage_currency"):
            self.initial["wage_currency"] = coop.currency


class QualificationForm(forms.Form):
    name = forms.CharField(label=_("qualification"), max_length=200)
    obtained_on = forms.DateField(label=_("obtained on"), widget=DATE)
    expires_on = forms.DateField(label=_("expires on"), widget=DATE, required=False)


class TopicForm(forms.Form):
    name = forms.CharField(label=_("topic"), max_length=200)
    interval_months = forms.IntegerField(
        label=_("repeat every (months)"), min_value=1, max_value=60, initial=3
    )


class SessionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    date = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    topic = forms.ModelChoiceField(label=_("topic"), queryset=TrainingTopic.objects.none())
    centre = forms.ModelChoiceField(
        label=_("centre"),
        queryset=Centre.objects.none(),
        required=False,
        help_text=_("Leave empty for a session for the whole cooperative."),
    )

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "topic", TrainingTopic.objects.filter(coop_id=coop_id))
        _offer(self, "centre", Centre.objects.filter(coop_id=coop_id))


class AttendanceForm(forms.Form):
    staff = PickerMultipleField(label=_("who attended"))

    def __init__(self, *args: Any, access: Access, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_staff(self, "staff", access=access, centre_id=centre_id)


class CentreStaffingForm(forms.Form):
    legal_rule_set = forms.ModelChoiceField(
        label=_("legal ratio"),
        queryset=RatioRuleSet.objects.none(),
        required=False,
        help_text=_("The rule the centre must meet by law."),
    )
    target_rule_set = forms.ModelChoiceField(
        label=_("quality target"),
        queryset=RatioRuleSet.objects.none(),
        required=False,
        help_text=_("The cooperative's own, usually stricter, target."),
    )

    def __init__(self, *args: Any, rule_sets: QuerySet[RatioRuleSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "legal_rule_set", rule_sets)
        _offer(self, "target_rule_set", rule_sets)


class ShiftForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
    starts_at = forms.TimeField(label=_("from"), widget=TIME)
    ends_at = forms.TimeField(label=_("until"), widget=TIME)


class AssignForm(forms.Form):
    """Give a shift to someone on some days of the week shown."""

    staff = PickerField(label=_("staff member"))
    shift = forms.ModelChoiceField(label=_("shift"), queryset=ShiftTemplate.objects.none())
    room = forms.ModelChoiceField(label=_("room"), queryset=Room.objects.none(), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5],
    )

    def __init__(self, *args: Any, access: Access, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_staff(self, "staff", access=access, centre_id=centre.pk)
        _offer(self, "shift", ShiftTemplate.objects.filter(centre=centre))
        _offer(self, "room", Room.objects.filter(centre=centre))


class CheckInForm(forms.Form):
    staff = PickerField(label=_("staff member"))
    room = forms.ModelChoiceField(label=_("room"), queryset=Room.objects.none(), required=False)
    in_at = forms.TimeField(label=_("arrived"), widget=TIME)

    def __init__(self, *args: Any, access: Access, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_staff(self, "staff", access=access, centre_id=centre.pk)
        _offer(self, "room", Room.objects.filter(centre=centre))
        if not self.is_bound:
            self.initial["in_at"] = timezone.localtime().time().replace(second=0, microsecond=0)
