from django import forms
from django.utils.translation import gettext_lazy as _

from carecoop.setup.kinds import KINDS, ORGANISATION_FIELDS
from carecoop.tenancy.models import Organisation


class SetupForm(forms.ModelForm):
    """The cooperative, what it starts with, and its first manager: one form, one setup."""

    kind = forms.ChoiceField(
        label=_("it starts as"),
        choices=[(k.code, k.title) for k in KINDS.values()],
        widget=forms.RadioSelect,
        help_text=_("Member classes and fee categories to begin with; each can be changed later."),
    )
    manager_username = forms.CharField(
        label=_("first manager's sign-in name"),
        max_length=150,
        help_text=_("A new account; its owner chooses the password with the link shown next."),
    )
    manager_phone = forms.CharField(label=_("first manager's phone"), max_length=30, required=False)
    send_by_sms = forms.BooleanField(label=_("send the link by SMS"), required=False)

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        help_texts = {
            "languages": _("Codes, the first the one its classes are written in: hi,gu,en."),
            "time_zone": _("For example: Asia/Kolkata, America/Guatemala, Africa/Nairobi."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["ilo_type"].required = True
        self.order_fields(["name", "slug", "kind"])
