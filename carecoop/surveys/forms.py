from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.core.forms import DATE
from carecoop.core.registers import RegisterFileForm
from carecoop.surveys.models import (
    Dimension,
    Indicator,
    IndicatorKind,
    Round,
    RoundKind,
    Survey,
    SurveyVersion,
)

LABEL = _("questionnaire (XLSForm, XLSX)")
HINT = _(
    "The XLSForm of ODK or KoboToolbox: a “survey” sheet of questions, a “choices” "
    "sheet of answer lists, and a “settings” sheet with the form's id and version."
)


ANSWERS_LABEL = _("answers (CSV, XLSX or ODS)")
ANSWERS_HINT = _(
    "The submissions as ODK Central or KoboToolbox export them: a column per question "
    "(“days_worked”, “group-days_worked” or “group/days_worked”), the member's number in "
    "“member”, each submission's id in “KEY”, “meta-instanceID” or “_uuid”. A repeat's rows, "
    "exported in files of their own, are not read."
)


def survey_upload_form(*args: object) -> RegisterFileForm:
    """The questionnaire's file, refused before it is read when it is too large."""
    return RegisterFileForm(*args, hint=HINT, label=LABEL)


def answers_form(*args: object) -> RegisterFileForm:
    """A file of answers to bring into a round, refused before it is read when too large."""
    return RegisterFileForm(*args, hint=ANSWERS_HINT, label=ANSWERS_LABEL)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    version = forms.ModelChoiceField(
        label=_("Version asked"), queryset=SurveyVersion.objects.none()
    )
    baseline = forms.ModelChoiceField(
        label=_("Follow-up of"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("None: this round is a baseline"),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE, initial=timezone.localdate)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE, required=False)

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kept = SurveyVersion.objects.filter(coop_id=survey.coop_id, survey=survey)
        self.fields["version"].queryset = kept.defer(  # type: ignore[attr-defined]
            "xlsform", "xform", "questions", "choices"
        ).order_by("-uploaded_at")
        self.fields["baseline"].queryset = Round.objects.filter(  # type: ignore[attr-defined]
            coop_id=survey.coop_id, survey=survey, kind=RoundKind.BASELINE
        )


class SmsInviteForm(forms.Form):
    member = forms.CharField(label=_("Member number"), max_length=20)


EDITED = (
    *("code", "name", "definition", "kind", "question"),
    *("unit", "currency_question", "dimensions", "source"),
)


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(label=_("Definition"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    question = forms.ChoiceField(label=_("Question"))
    counted = forms.CharField(
        label=_("Answers counted"),
        required=False,
        max_length=300,
        help_text=_("For a share: the names of the answers it counts, separated by spaces."),
    )
    currency_question = forms.ChoiceField(
        label=_("Currency question"),
        required=False,
        help_text=_("For money: the question whose answer is the currency."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    dimensions = forms.MultipleChoiceField(
        label=_("Broken down by"),
        choices=Dimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(
        label=_("Compared with"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, survey: Survey, instance: Indicator | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {field: getattr(instance, field) for field in EDITED}
                | {"counted": " ".join(instance.counted)},
            )
        super().__init__(*args, **kwargs)
        latest = (
            SurveyVersion.objects.filter(coop_id=survey.coop_id, survey=survey)
            .order_by("-uploaded_at", "-pk")
            .only("questions")
            .first()
        )
        asked = [
            (row["name"], row["name"])
            for row in (latest.questions if latest else [])
            if row.get("name") and row.get("kind") not in ("note", "begin_group", "begin_repeat")
        ]
        self.fields["question"].choices = asked  # type: ignore[attr-defined]
        self.fields["currency_question"].choices = [("", "—"), *asked]  # type: ignore[attr-defined]

    def clean_counted(self) -> list[str]:
        return str(self.cleaned_data.get("counted") or "").split()
