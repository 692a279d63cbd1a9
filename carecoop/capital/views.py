"""Thin views over the share-capital services and selectors."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecoop.capital import forms, selectors, services
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.registers import Register
from carecoop.core.views import form_page

FORM = "form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"capital:{name}", kwargs={"coop": coop, **kwargs})


@coop_permission("capital.view")
def overview(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    members = selectors.memberships(access=access)
    page = Paginator(members, settings.CARECOOP_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "totals": selectors.totals(access=access),
        "classes": selectors.share_classes(access=access),
        "limits": selectors.share_limits(access=access),
        "page": page,
        "rows": selectors.member_rows(coop_id=access.coop_id, on=today, members=page),
        "payments": selectors.payments(access=access)[:10],
        "transfers": selectors.transfers(access=access)[:10],
        "redemptions": selectors.redemptions(access=access)[:10],
        "currency": access.org.currency,
        "can_manage": access.can("capital.manage"),
    }
    return render(request, "capital/overview.html", context)


@coop_permission("capital.manage")
def share_class_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.ShareClassForm(request.POST or None, initial={"currency": access.org.currency}),
        save=lambda data: services.share_class_create(coop=access.org, by=access.user, **data),
        done=_("Share class saved."),
        next_url=_url("overview", coop),
        template=FORM,
        context={"title": _("New share class"), "back": _url("overview", coop)},
    )


@coop_permission("capital.manage")
def limit_set(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    share_class = selectors.share_class_get(access=access, pk=pk)
    return form_page(
        request,
        forms.LimitForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.share_limit_set(share_class=share_class, by=access.user, **data),
        done=_("Limits saved."),
        next_url=_url("overview", coop),
        template=FORM,
        context={"title": _("Shares per member class: %(name)s") % {"name": share_class.name}},
    )


@coop_permission("capital.manage")
def subscription_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.SubscriptionForm(request.POST or None, access=access),
        save=lambda data: services.subscription_create(coop=access.org, by=access.user, **data),
        done=_("Subscription recorded."),
        next_url=lambda s: _url("subscription", coop, pk=s.pk),
        template=FORM,
        context={"title": _("New share subscription"), "back": _url("overview", coop)},
    )


@coop_permission("capital.view", write="capital.manage")
def subscription_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The subscription, its payments, and (for the treasurer) the form to record one."""
    access = access_of(request)
    subscription = selectors.subscription_get(access=access, pk=pk)
    can_manage = access.can("capital.manage")
    form = forms.PaymentForm(request.POST or None) if can_manage else None
    context = {
        "subscription": subscription,
        "payments": subscription.payments.order_by("paid_on", "receipt_number"),
        "certificates": subscription.certificates.all(),
        "can_manage": can_manage,
    }
    if form is None or request.method != "POST":
        return render(request, "capital/subscription.html", {"form": form, **context})
    return form_page(
        request,
        form,
        save=lambda data: services.payment_record(
            subscription=subscription, by=access.user, **data
        ),
        done=_("Payment recorded."),
        next_url=lambda payment: _url("receipt", coop, pk=payment.pk),
        template="capital/subscription.html",
        context=context,
    )


@coop_permission("capital.view")
def receipt(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    payment = selectors.payment_get(access=access_of(request), pk=pk)
    return render(request, "capital/receipt.html", {"payment": payment})


@coop_permission("capital.view")
def member_capital(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    membership = selectors.membership_get(access=access, pk=pk)
    today = timezone.localdate()
    context = {
        "membership": membership,
        "holding": selectors.holdings(
            coop_id=access.coop_id, on=today, membership_ids=[membership.pk]
        ).get(membership.pk),
        "subscriptions": selectors.subscriptions(access=access, membership=membership),
        "certificates": selectors.register(access=access, current_only=False).filter(
            membership=membership
        ),
        "currency": access.org.currency,
    }
    return render(request, "capital/member.html", context)


@coop_permission("capital.manage")
def transfer_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.TransferForm(request.POST or None, access=access),
        save=lambda data: services.transfer_record(coop=access.org, by=access.user, **data),
        done=_("Transfer recorded in the share register."),
        next_url=_url("overview", coop),
        template=FORM,
        context={"title": _("Transfer of shares"), "back": _url("overview", coop)},
    )


@coop_permission("capital.manage")
def redemption_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.RedemptionForm(request.POST or None, access=access),
        save=lambda data: services.redemption_record(coop=access.org, by=access.user, **data),
        done=_("Redemption recorded in the share register."),
        next_url=_url("overview", coop),
        template=FORM,
        context={"title": _("Redemption of shares"), "back": _url("overview", coop)},
    )


# Share capital already paid, from a file ---------------------------------------------------


def _capital_detail(line: Any) -> tuple[str, str]:
    name = line.membership.person.full_name if line.membership else ""
    shares = f"{line.shares} · {line.share_class.name}" if line.share_class else ""
    return name, shares


CAPITAL = Register(
    name="capital",
    namespace="capital",
    permission="capital.manage",
    upload=services.capital_upload,
    check=services.capital_import_check,
    run=services.capital_import,
    columns=services.CAPITAL_COLUMNS,
    title=gettext_lazy("Import share capital paid"),
    intro=gettext_lazy(
        "Bring in the shares members have subscribed and what they have paid on them: one row "
        "per payment, with its receipt's number or reference, the member's reference or number "
        "and the share class. Each payment gets its receipt and is posted to the books (cash or "
        "mobile money, and share capital): leave share capital and that money out of the "
        "opening balances. One wrong cell, and nothing is imported; the same file sent again "
        "records nothing more."
    ),
    hint=gettext_lazy("Fill in the template: one row per payment, the headings in the first row."),
    sheet=gettext_lazy("Share capital"),
    back="capital:overview",
    back_title=gettext_lazy("Share capital"),
    counted=lambda new, changed: _("%(new)s payments of shares recorded.") % {"new": new},
    will=lambda new, changed, same: (
        _(
            "The import will record %(new)s payments of shares; %(same)s are already recorded as "
            "the file says."
        )
        % {"new": new, "same": same}
    ),
    detail=(gettext_lazy("Shares"), _capital_detail),
)
