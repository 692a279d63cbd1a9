"""Forms parse and present input; the rules live in services."""

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.governance.models import (
    Body,
    BodyKind,
    Majority,
    MajorityBase,
    Meeting,
    Method,
    Presence,
    Term,
    TieRule,
)
from carecoop.members import forms as member_forms
from carecoop.members.models import MemberClass, Membership
from carecoop.members.selectors import pickable_memberships


class Form(forms.Form):
    """A governance form: labels as a person writes them, with no colon after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BodyForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    open_seats = forms.IntegerField(label=_("Seats open to any class"), min_value=0, initial=0)
    term_years = forms.IntegerField(label=_("Term of office (years)"), min_value=1, initial=3)
    term_limit = forms.IntegerField(
        label=_("Consecutive terms allowed"), min_value=1, required=False
    )
    stagger_groups = forms.IntegerField(label=_("Renewed in groups"), min_value=1, initial=1)
    notice_days = forms.IntegerField(label=_("Notice of a meeting (days)"), min_value=0, initial=15)
    quorum_first_percent = forms.IntegerField(
        label=_("Quorum at first call (percentage of the members)"),
        min_value=0,
        max_value=100,
        initial=50,
    )
    quorum_second_percent = forms.IntegerField(
        label=_("Quorum at second call (percentage of the members)"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    second_call_minutes = forms.IntegerField(
        label=_("Second call after (minutes)"), min_value=0, initial=30
    )
    proxy_limit = forms.IntegerField(label=_("Proxies one person may hold"), min_value=0, initial=1)
    tie_rule = forms.ChoiceField(label=_("Tie in an election"), choices=TieRule.choices)
    members_see_names = forms.BooleanField(
        label=_("Members see who attended"),
        required=False,
        help_text=Body._meta.get_field("members_see_names").help_text,
    )


class SeatsForm(Form):
    member_class = forms.ModelChoiceField(
        label=_("Member class"), queryset=MemberClass.objects.none()
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=0)

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_class"].queryset = MemberClass.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]


class ClassRuleForm(SeatsForm):
    seats = None  # type: ignore[assignment]
    min_paid_shares = forms.IntegerField(
        label=_("Shares paid up at least"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to use the class's minimum shares."),
    )
    max_arrears_months = forms.IntegerField(
        label=_("Arrears allowed (months)"), min_value=0, required=False
    )
    min_months_member = forms.IntegerField(
        label=_("Months of membership at least"), min_value=0, initial=0
    )


class TermForm(Form):
    membership = PickerField(label=_("Member"))
    seat_class = forms.ModelChoiceField(
        label=_("Seat reserved for"),
        queryset=MemberClass.objects.none(),
        required=False,
        empty_label=_("An open seat"),
    )
    office = forms.ChoiceField(label=_("Office"), choices=Term.Office.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for a full term."),
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "membership", access=access, kind="members")
        coop_id = access.coop_id
        self.fields["seat_class"].queryset = MemberClass.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]


class TermEndForm(Form):
    ended_on = forms.DateField(label=_("Left office on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DecisionForm(Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, initial=timezone.localdate)
    title = forms.CharField(label=_("Decision"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False)


class MeetingForm(Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind of meeting"),
        choices=Meeting.Kind.choices,
        initial=Meeting.Kind.ORDINARY,
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    first_call_at = forms.DateTimeField(label=_("First call"), widget=DATETIME)
    notice_on = forms.DateField(label=_("Notice given on"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One item a line."),
    )

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(coop_id=coop_id)  # type: ignore[attr-defined]

    def clean_kind(self) -> str:
        """Ordinary unless the meeting is called as extraordinary."""
        return self.cleaned_data.get("kind") or Meeting.Kind.ORDINARY

    def clean_agenda(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class AgendaItemForm(Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    text = forms.CharField(label=_("Details"), widget=forms.Textarea, required=False)


class AttendanceForm(Form):
    membership = PickerField(label=_("Member"))
    presence = forms.ChoiceField(label=_("Presence"), choices=Presence.choices)
    proxy_holder = PickerField(label=_("Represented by"), required=False)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("membership", "proxy_holder"):
            member_forms.offer(self, name, access=access, kind="members")


class PresentManyForm(Form):
    """Members ticked in a search of the register, to record as present."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=Membership.objects.none(),
        error_messages={"required": _("Tick at least one member.")},
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = pickable_memberships(access=access, current=True)  # type: ignore[attr-defined]


NUMBER_SEPARATORS = re.compile(r"[\s,;]+")


class MemberNumbersForm(Form):
    """Member numbers typed from the signed register, to record as present in one go."""

    numbers = forms.CharField(
        label=_("Member numbers"),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Separate them with spaces, commas or new lines."),
        max_length=20_000,
    )

    def clean_numbers(self) -> list[str]:
        """Each number typed, once, in the order typed."""
        text = self.cleaned_data["numbers"]
        numbers = list(dict.fromkeys(n for n in NUMBER_SEPARATORS.split(text) if n))
        if not numbers:
            raise forms.ValidationError(_("Type at least one member number."))
        return numbers


class MotionForm(Form):
    title = forms.CharField(label=_("Motion"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False)
    method = forms.ChoiceField(label=_("How"), choices=Method.choices)
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)
    majority_base = forms.ChoiceField(label=_("Counted"), choices=MajorityBase.choices)


class ElectionForm(Form):
    body = forms.ModelChoiceField(label=_("Elects to"), queryset=Body.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=Method.choices, initial=Method.SECRET)

    def __init__(self, *args: Any, coop_id: int, classes: list[MemberClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(coop_id=coop_id).exclude(  # type: ignore[attr-defined]
            kind=BodyKind.ASSEMBLY
        )
        self.classes = classes
        self.fields["seats_open"] = forms.IntegerField(
            label=_("Open seats to fill"), min_value=0, initial=0
        )
        for member_class in classes:
            self.fields[f"seats_{member_class.pk}"] = forms.IntegerField(
                label=_("Seats for %(class)s") % {"class": member_class.name},
                min_value=0,
                initial=0,
            )

    def seats(self) -> dict[MemberClass | None, int]:
        chosen: dict[MemberClass | None, int] = {}
        if self.cleaned_data.get("seats_open"):
            chosen[None] = self.cleaned_data["seats_open"]
        for member_class in self.classes:
            if self.cleaned_data.get(f"seats_{member_class.pk}"):
                chosen[member_class] = self.cleaned_data[f"seats_{member_class.pk}"]
        return chosen


class CandidateForm(Form):
    membership = PickerField(label=_("Candidate"))

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "membership", access=access, kind="members")


class OpenVoteForm(Form):
    closes_at = forms.DateTimeField(label=_("Voting closes at"), widget=DATETIME)


class CodeForm(Form):
    code = forms.CharField(
        label=_("Your voting code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
