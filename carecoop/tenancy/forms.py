"""Forms parse and present input; the rules live in services."""

from django import forms

from carecoop.tenancy.models import Organisation


class NameOrderForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name_order"]
        widgets = {"name_order": forms.RadioSelect}
