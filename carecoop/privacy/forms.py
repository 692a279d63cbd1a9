from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person asked for it in writing on a given date."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, phone and details cannot be brought back."),
    )
