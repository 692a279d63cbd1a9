from django import forms
from django.utils.translation import gettext_lazy as _

from carecoop.directory.models import CentreListing, Listing
from carecoop.tenancy.models import Service


class FilterForm(forms.Form):
    """The filters of the public list and map; a filter left empty keeps every centre."""

    country = forms.RegexField(
        label=_("Country (two letters)"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        max_length=2,
        error_messages={"invalid": _("Give the country by its two letters, for example IN.")},
    )
    service = forms.ChoiceField(
        label=_("Care"), choices=[("", _("Any")), *Service.choices], required=False
    )
    age = forms.IntegerField(
        label=_("Child's age in months"), min_value=0, max_value=216, required=False
    )
    open_at = forms.TimeField(
        label=_("Open at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class ListingForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Listing
        fields = [
            "description",
            "website",
            "email",
            "show_type",
            "show_founded",
            "show_city",
            "show_services",
            "show_languages",
            "show_federations",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class CentreListingForm(forms.ModelForm):
    class Meta:
        model = CentreListing
        fields = ["published", "location", "show_hours", "show_ages", "show_places", "show_fees"]
