from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecoop.accounts import selectors, services, throttle
from carecoop.accounts.models import Throttle
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.tenancy.models import Organisation

ACCOUNT = Throttle.Kind.SIGN_IN_ACCOUNT
ADDRESS = Throttle.Kind.SIGN_IN_ADDRESS


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refused for a while after too many failures for the account name
    or from the address, whether or not the password is right."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "").casefold().strip()
        address = selectors.client_address(self.request) if self.request else ""
        wait = max(
            selectors.throttle_wait(kind=ACCOUNT, subject=username),
            selectors.throttle_wait(kind=ADDRESS, subject=address),
        )
        if wait:
            raise ValidationError(throttle.sign_in_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                wait = max(
                    services.throttle_fail(kind=ACCOUNT, subject=username),
                    services.throttle_fail(kind=ADDRESS, subject=address),
                )
                if wait:
                    raise ValidationError(
                        throttle.sign_in_message(wait), code="throttled"
                    ) from None
            raise
        services.throttle_clear(kind=ACCOUNT, subject=username)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def account_label(user: User) -> str:
    name = user.get_full_name()
    return (
        f"\u2068{user.get_username()}\u2069 · \u2068{name}\u2069" if name else user.get_username()
    )


class ResetLinkForm(forms.Form):
    account = PickerField(label=_("Account"))
    send_by_sms = forms.BooleanField(
        label=_("Send the link by SMS to the member's phone"), required=False
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = cast(PickerField, self.fields["account"])
        account.offer(
            selectors.reset_link_accounts(access=access),
            url=reverse("accounts:pick", kwargs={"coop": access.org.slug}),
            search=lambda q: selectors.pick_reset_link_accounts(access=access, query=q),
            label=account_label,
            hint=_("Username or name"),
        )


class SignInRulesForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["require_two_factor"]
