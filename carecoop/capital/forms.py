"""Forms parse and present input; the rules live in services."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoop.capital.models import PaymentMethod, ShareClass
from carecoop.core.forms import DATE, MoneyField, SubmitOnce
from carecoop.core.permissions import Access
from carecoop.core.pickers import PickerField
from carecoop.governance.models import BoardDecision
from carecoop.members import forms as member_forms
from carecoop.members.models import MemberClass


def _offer(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer in the choice field ``name`` the rows of ``queryset`` only."""
    cast("forms.ModelChoiceField[Any]", form.fields[name]).queryset = queryset


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} · {obj.title}"


class ShareClassForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=120)
    par_value = MoneyField(label=_("par value"))
    currency = forms.CharField(label=_("currency"), max_length=3)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)


class LimitForm(forms.Form):
    member_class = forms.ModelChoiceField(
        label=_("member class"), queryset=MemberClass.objects.none()
    )
    min_shares = forms.IntegerField(label=_("minimum shares"), min_value=0, initial=1)
    max_shares = forms.IntegerField(label=_("maximum shares"), min_value=0, required=False)

    def __init__(self, *args: Any, coop_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "member_class", MemberClass.objects.filter(coop_id=coop_id))


class SubscriptionForm(SubmitOnce):
    membership = PickerField(label=_("member"))
    share_class = forms.ModelChoiceField(label=_("share class"), queryset=ShareClass.objects.none())
    shares = forms.IntegerField(label=_("shares"), min_value=1, initial=1)
    subscribed_on = forms.DateField(
        label=_("subscribed on"), widget=DATE, initial=timezone.localdate
    )
    instalment = MoneyField(
        label=_("instalment"),
        required=False,
        help_text=_("Leave empty to pay the whole amount at once."),
    )
    first_due_on = forms.DateField(label=_("first instalment due on"), widget=DATE, required=False)
    interval_months = forms.IntegerField(
        label=_("months between instalments"), min_value=1, initial=1
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "membership", access=access, kind="members")
        _offer(self, "share_class", ShareClass.objects.filter(coop_id=access.coop_id))


class PaymentForm(SubmitOnce):
    amount = MoneyField(label=_("amount"))
    method = forms.ChoiceField(label=_("paid by"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(label=_("paid on"), widget=DATE, initial=timezone.localdate)
    client_reference = forms.CharField(
        label=_("reference"),
        max_length=64,
        required=False,
        help_text=_("The mobile-money transaction id or the paper receipt's number."),
    )


class TransferForm(SubmitOnce):
    from_membership = PickerField(label=_("from"))
    to_membership = PickerField(label=_("to"))
    share_class = forms.ModelChoiceField(label=_("share class"), queryset=ShareClass.objects.none())
    shares = forms.IntegerField(label=_("shares"), min_value=1)
    transferred_on = forms.DateField(
        label=_("transferred on"), widget=DATE, initial=timezone.localdate
    )
    board_decision = DecisionChoice(
        label=_("approved by board decision"), queryset=BoardDecision.objects.none()
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_membership", "to_membership"):
            member_forms.offer(self, name, access=access, kind="memberships")
        _offer(self, "share_class", ShareClass.objects.filter(coop_id=access.coop_id))
        _offer(self, "board_decision", BoardDecision.objects.filter(coop_id=access.coop_id))


class RedemptionForm(SubmitOnce):
    membership = PickerField(label=_("member"))
    share_class = forms.ModelChoiceField(label=_("share class"), queryset=ShareClass.objects.none())
    shares = forms.IntegerField(label=_("shares"), min_value=1)
    redeemed_on = forms.DateField(label=_("redeemed on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("paid by"), choices=PaymentMethod.choices)
    reason = forms.CharField(label=_("reason"), max_length=200)
    amount = MoneyField(
        label=_("amount paid back"),
        required=False,
        help_text=_("Leave empty to pay back the par value."),
    )
    board_decision = DecisionChoice(
        label=_("board decision"), queryset=BoardDecision.objects.none(), required=False
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_forms.offer(self, "membership", access=access, kind="memberships")
        _offer(self, "share_class", ShareClass.objects.filter(coop_id=access.coop_id))
        _offer(self, "board_decision", BoardDecision.objects.filter(coop_id=access.coop_id))
