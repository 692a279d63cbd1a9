"""Forms parse and present input; the rules live in services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE, ServiceModelForm
from carecoop.health.models import Meal, Outcome, Referral
from carecoop.health.schedules import DoseStatus


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("measured on"), widget=DATE, initial=timezone.localdate)
    weight_kg = forms.DecimalField(
        label=_("weight (kg)"), max_digits=5, decimal_places=2, required=False, min_value=0
    )
    length_cm = forms.DecimalField(
        label=_("length or height (cm)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        min_value=0,
    )
    lying = forms.TypedChoiceField(
        label=_("how the length was measured"),
        choices=[("1", _("Lying down")), ("0", _("Standing"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    muac_cm = forms.DecimalField(
        label=_("mid-upper-arm circumference (cm)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        min_value=0,
    )
    confirmed = forms.BooleanField(
        label=_("I have checked these values: they are right."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(k) is not None for k in ("weight_kg", "length_cm", "muac_cm")):
            raise forms.ValidationError(_("Enter at least one measurement."))
        return data


class VaccinationForm(forms.Form):
    dose = forms.ChoiceField(label=_("dose"))
    given_on = forms.DateField(label=_("given on"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("where"), max_length=200, required=False)

    def __init__(self, *args: Any, doses: list[DoseStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dose"].choices = [  # type: ignore[attr-defined]
            (s.dose.code, f"{s.dose.label} · {s.label}") for s in doses if s.status != "given"
        ]


class ReferralForm(ServiceModelForm):
    class Meta:
        model = Referral
        fields = ["referred_on", "service", "reason"]
        widgets = {"referred_on": DATE}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    outcome_on = forms.DateField(label=_("outcome known on"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


MEALS = Meal.choices
