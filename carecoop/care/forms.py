"""Forms parse and present input; the rules live in services."""

import datetime
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.care.models import (
    Absence,
    Attendance,
    AuthorisedCollector,
    ChildProfile,
    Closure,
    Criterion,
    Room,
    Weekday,
)
from carecoop.core.forms import DATE, TIME, ServiceModelForm
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.members import forms as member_forms
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Centre, Service

# A day's opening and closing times; none for a closed day.
Hours = tuple[datetime.time | None, datetime.time | None]


class ApplicationForm(forms.Form):
    child = PickerField(label=_("child"))
    wanted_from = forms.DateField(
        label=_("place wanted from"), widget=DATE, initial=timezone.localdate
    )
    single_working_parent = forms.BooleanField(label=_("single working parent"), required=False)
    special_needs = forms.BooleanField(label=_("child with special needs"), required=False)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A parent picks among her own few children: they are shown before any search.
        member_forms.offer(self, "child", access=access, kind="children", browse=True)


class CollectorForm(ServiceModelForm):
    class Meta:
        model = AuthorisedCollector
        fields = ["name", "relation", "phone", "identification", "valid_until"]
        widgets = {"valid_until": DATE}


class ChildProfileForm(ServiceModelForm):
    class Meta:
        model = ChildProfile
        fields = ["allergies", "special_needs", "medical_notes"]
        widgets = {"medical_notes": forms.Textarea(attrs={"rows": 3})}


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


class CentreForm(ServiceModelForm):
    services = forms.MultipleChoiceField(
        label=_("services offered"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Centre
        fields = [
            "code",
            "name",
            "city",
            "address",
            "latitude",
            "longitude",
            "licensed_capacity",
            "opened_on",
            "min_age_months",
            "max_age_months",
            "opens_at",
            "closes_at",
            "scheme",
            "services",
        ]
        widgets = {"opens_at": TIME, "closes_at": TIME, "opened_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["services"] = self.instance.services.split(",")

    def clean_services(self) -> str:
        return ",".join(self.cleaned_data["services"])


class RoomForm(ServiceModelForm):
    class Meta:
        model = Room
        fields = ["name", "min_age_months", "max_age_months", "capacity"]


class PoolForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    places = forms.IntegerField(label=_("places"), min_value=0)
    member_classes = forms.ModelMultipleChoiceField(
        label=_("for children of these member classes"),
        queryset=MemberClass.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a pool open to everyone."),
    )
    release_on = forms.DateField(
        label=_("unfilled places released on"),
        required=False,
        widget=DATE,
        help_text=_("After this date, empty places may be offered to the other pools' applicants."),
    )

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_classes"].queryset = MemberClass.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]


class PoolReleaseForm(forms.Form):
    release_on = forms.DateField(
        label=_("unfilled places released on"),
        required=False,
        widget=DATE,
        help_text=_(
            "From this day, the pool's empty places may be offered to any family waiting. "
            "Leave it empty to keep them for the pool's member classes."
        ),
        error_messages={
            "invalid": _("This is not a date. Give a day, for example 2027-03-12."),
        },
    )


class ClosureForm(ServiceModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class HoursForm(forms.Form):
    """Opening hours for each weekday; a day left empty is a closed day."""

    def __init__(self, *args: Any, current: Mapping[int, Hours], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            opens, closes = current.get(day, (None, None))
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=label, required=False, widget=TIME, initial=opens
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("until"), required=False, widget=TIME, initial=closes
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day, label in Weekday.choices:
            if bool(data.get(f"opens_{day}")) != bool(data.get(f"closes_{day}")):
                self.add_error(
                    f"closes_{day}",
                    _("Give both times for %(day)s, or neither if it is closed.") % {"day": label},
                )
        return data

    def days(self) -> dict[int, Hours]:
        return {
            day: (self.cleaned_data[f"opens_{day}"], self.cleaned_data[f"closes_{day}"])
            for day, _label in Weekday.choices
        }


class PriorityForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion, label in Criterion.choices:
            self.fields[criterion] = forms.IntegerField(
                label=label, min_value=0, max_value=100, initial=current.get(criterion, 0)
            )


def _attendance_field(name: str) -> Any:
    field: Any = Attendance._meta.get_field(name)
    return field.formfield(required=False)


CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
LARGEST_ID = 2**63 - 1


def _quick_uuid(unseen: object) -> Callable[[object], Any]:
    """``UUIDField.clean`` of a UUID written the canonical way (what every phone sends) is
    ``uuid.UUID`` of it; anything else answers ``unseen``, for the field itself to clean."""

    def quick(value: object) -> Any:
        if type(value) is str and CANONICAL_UUID.fullmatch(value):
            return uuid.UUID(value)
        return unseen

    return quick


def _quick_id(unseen: object) -> Callable[[object], Any]:
    """``IntegerField(min_value=1, max_value=LARGEST_ID).clean`` of a whole number in range is
    the number itself; anything else (text, out of range) answers ``unseen``."""

    def quick(value: object) -> Any:
        return value if type(value) is int and 1 <= value <= LARGEST_ID else unseen

    return quick


class SyncOperationForm(forms.Form):
    """One attendance operation recorded offline on a phone, read with the field rules of the
    attendance record itself (lengths, no NUL character, a day that has come), so the sync
    stores nothing a form would refuse."""

    op_id = forms.UUIDField(label=_("operation"))
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            ("check_in", _("arrival")),
            ("check_out", _("departure")),
            ("absent", _("absence")),
        ],
    )
    child = forms.IntegerField(label=_("child"), min_value=1, max_value=LARGEST_ID)
    centre = forms.IntegerField(label=_("centre"), min_value=1, max_value=LARGEST_ID)
    date = forms.DateField(label=_("date"))
    time = forms.TimeField(label=_("time"), required=False)
    brought_by = _attendance_field("brought_by")
    collector = forms.CharField(label=_("collected by"), max_length=30, required=False)
    collector_name = _attendance_field("collected_by")
    override = _attendance_field("collection_override")
    reason = forms.ChoiceField(label=_("absence"), choices=Absence.choices, required=False)

    def clean_date(self) -> datetime.date:
        return self.day_that_has_come(self.cleaned_data["date"])

    @staticmethod
    def day_that_has_come(day: datetime.date) -> datetime.date:
        """A day that has come, within the last year (no phone holds a record longer)."""
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                _("Attendance cannot be recorded for a day that has not come yet.")
            )
        if day < today - datetime.timedelta(days=366):
            raise forms.ValidationError(
                _("Attendance can be recorded up to a year back, not earlier.")
            )
        return day

    @classmethod
    def reader(cls) -> "Callable[[Mapping[str, object]], dict[str, Any] | None]":
        """A function that cleans one operation's values with this form's own fields, the way
        the form does, without building a form for each of a batch's thousand operations (a
        form copies every field first, which is most of its cost). Equal values are cleaned
        once per reader. It answers None when any field refuses a value: a form then gives
        the reasons."""
        fields = list(cls.base_fields.items())
        seen: dict[tuple[str, object], Any] = {}
        refused, unseen = object(), object()
        # The values that differ on every operation (its id, its child) are not worth keeping;
        # in the form a phone sends them, these give exactly what the field's clean() gives.
        quick: dict[str, Callable[[object], Any]] = {
            "op_id": _quick_uuid(unseen),
            "child": _quick_id(unseen),
            "centre": _quick_id(unseen),
        }

        def clean(name: str, field: forms.Field, value: object) -> Any:
            try:
                cleaned = field.clean(value)
                return cls.day_that_has_come(cleaned) if name == "date" else cleaned
            except forms.ValidationError:
                return refused

        def read(data: Mapping[str, object]) -> dict[str, Any] | None:
            cleaned = {}
            for name, field in fields:
                key = (name, data.get(name))
                value = quick[name](key[1]) if name in quick else unseen
                if value is unseen:
                    value = seen.get(key, unseen)
                if value is unseen:
                    if len(seen) > 10_000:
                        seen.clear()
                    value = seen[key] = clean(name, field, key[1])
                if value is refused:
                    return None
                cleaned[name] = value
            return cleaned

        return read

    def reasons(self) -> str:
        """The errors in one line, each after its field's name, for the phone to show."""
        return " ".join(
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            if name in self.fields
            else " ".join(str(e) for e in errors)
            for name, errors in self.errors.items()
        )
