"""Forms parse and present input; the rules live in services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.care.models import Absence, AuthorisedCollector, ChildProfile

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})


class ApplicationForm(forms.Form):
    child = forms.TypedChoiceField(label=_("child"), coerce=int)
    wanted_from = forms.DateField(
        label=_("place wanted from"), widget=DATE, initial=timezone.localdate
    )
    single_working_parent = forms.BooleanField(label=_("single working parent"), required=False)
    special_needs = forms.BooleanField(label=_("child with special needs"), required=False)

    def __init__(self, *args: Any, children: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(c.pk, c.full_name) for c in children]


class CollectorForm(forms.ModelForm):
    class Meta:
        model = AuthorisedCollector
        fields = ["name", "relation", "phone", "identification", "valid_until"]
        widgets = {"valid_until": DATE}

    def _post_clean(self) -> None:
        pass


class ChildProfileForm(forms.ModelForm):
    class Meta:
        model = ChildProfile
        fields = ["allergies", "special_needs", "medical_notes"]
        widgets = {"medical_notes": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class BookingForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    starts_at = forms.TimeField(label=_("from"), widget=TIME, required=False)
    ends_at = forms.TimeField(label=_("until"), widget=TIME, required=False)
    time_unknown = forms.BooleanField(
        label=_("Time not yet known"),
        required=False,
        help_text=_("For shift work: book the day now, the hours when the roster is out."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time_unknown"):
            data["starts_at"] = data["ends_at"] = None
        elif not data.get("starts_at") or not data.get("ends_at"):
            raise forms.ValidationError(_("Give the hours, or tick 'Time not yet known'."))
        return data


ABSENCE_CHOICES = Absence.choices
