from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What will use it"),
        max_length=100,
        help_text=_("For example: survey app, mobile money provider."),
    )
