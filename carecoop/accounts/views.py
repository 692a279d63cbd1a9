"""Sign-in, the account page, the second sign-in step, passwords and sessions."""

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecoop.accounts import forms, selectors, services, throttle
from carecoop.accounts.middleware import second_step_exempt
from carecoop.accounts.signals import SECOND_STEP_OWED
from carecoop.core.forms import apply_errors
from carecoop.core.permissions import access_of, coop_permission, public, signed_in, user_of
from carecoop.core.pickers import pick_of, unchecked
from carecoop.core.views import form_page, pick_results
from carecoop.tenancy.services import organisation_sign_in_rules_set

login = public(
    auth_views.LoginView.as_view(
        authentication_form=forms.SignInForm, redirect_authenticated_user=True
    )
)
logout = second_step_exempt(signed_in(auth_views.LogoutView.as_view()))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    context = {
        "totp": selectors.totp_device(user=user, confirmed=True),
        "codes_left": selectors.recovery_codes_left(user=user),
        "managed": selectors.managed_cooperatives(user=user),
    }
    return _no_store(render(request, "accounts/account.html", context))


password_change = signed_in(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_changed"),
    )
)


@signed_in
def password_changed(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("Your password is changed. Other devices are signed out."))
    return redirect("accounts:account")


@second_step_exempt
@signed_in
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show the key (as a QR code and as text) and confirm it with a code the app shows."""
    user = user_of(request)
    if selectors.totp_device(user=user, confirmed=True) is not None and not is_verified(user):
        return redirect("accounts:second_step")
    device = services.two_factor_start(user=user)
    form = forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.two_factor_confirm(
                user=user, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            django_otp.login(request, confirmed)
            request.session[SECOND_STEP_OWED] = False
            services.sessions_end(user=user, keep=request.session.session_key)
            messages.success(request, _("Sign-in with a second step is on."))
            shown = {"codes": codes, "next": _next(request, reverse("accounts:account"))}
            return _no_store(render(request, "accounts/recovery_codes.html", shown))
    secret = _grouped(device.bin_key)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#fff", omitsize=False
    )
    context = {"form": form, "secret": secret, "qr_svg": qr_svg, "next": _next(request, "")}
    return _no_store(render(request, "accounts/two_factor_setup.html", context))


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@second_step_exempt
@signed_in
def second_step(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the phone app, or a recovery code."""
    user = user_of(request)
    if is_verified(user) or not request.session.get(SECOND_STEP_OWED):
        return redirect(_next(request, reverse("home")))
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["code"].split()).lower()
        # Six digits come from the phone app; a recovery code has letters.
        model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        devices: list[Any] = list(model.objects.filter(user=user, confirmed=True))
        waits = [d.verify_is_allowed()[1] for d in devices if not d.verify_is_allowed()[0]]
        verified = None
        for device in devices:
            verified = django_otp.verify_token(user, device.persistent_id, token)
            if verified is not None:
                break
        if verified is not None:
            django_otp.login(request, verified)
            request.session[SECOND_STEP_OWED] = False
            if isinstance(verified, StaticDevice):
                messages.warning(
                    request,
                    _("You used a recovery code. %(left)d are left.")
                    % {"left": selectors.recovery_codes_left(user=user)},
                )
            return redirect(_next(request, reverse("home")))
        if waits and len(waits) == len(devices):
            until = min(w.get("locked_until") or timezone.now() for w in waits)
            seconds = int((until - timezone.now()).total_seconds()) + 1
            form.add_error("code", throttle.second_step_message(seconds))
        else:
            form.add_error("code", _("This code is not right. Type the code your app shows now."))
    return _no_store(
        render(request, "accounts/second_step.html", {"form": form, "next": _next(request, "")})
    )


@require_POST
@signed_in
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, shown once (for a session that passed the second step)."""
    user = user_of(request)
    if not is_verified(user):
        messages.error(request, _("Set up sign-in with a second step first."))
        return redirect("accounts:account")
    codes = services.recovery_codes_renew(user=user)
    context = {"codes": codes, "next": reverse("accounts:account")}
    return _no_store(render(request, "accounts/recovery_codes.html", context))


@require_POST
@signed_in
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not is_verified(user):
        messages.error(request, _("Set up sign-in with a second step first."))
        return redirect("accounts:account")
    services.two_factor_remove(user=user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    messages.success(request, _("Sign-in with a second step is off."))
    return redirect("accounts:account")


@require_POST
@second_step_exempt
@signed_in
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this user, on this device and every other one."""
    if request.POST.get("everywhere") != "1":
        return redirect("accounts:account")
    user = user_of(request)
    auth_logout(request)
    services.sessions_end(user=user)
    messages.success(request, _("You are signed out on every device."))
    return redirect(settings.LOGIN_URL)


@public
def reset(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a new password with a one-time link a manager issued."""
    link = selectors.reset_link_find(token=token)
    if link is None:
        return _no_store(render(request, "accounts/reset.html", {"invalid": True}))
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_link_use(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your new password is set. Sign in with it."))
            return redirect(settings.LOGIN_URL)
    context = {"form": form, "username": link.user.get_username()}
    return _no_store(render(request, "accounts/reset.html", context))


@coop_permission("accounts.issue_reset_link")
def reset_link_issue(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.ResetLinkForm(request.POST or None, access=access)
    url = ""
    if request.method == "POST" and pick_of(request.POST):
        unchecked(form)
    elif request.method == "POST" and form.is_valid():
        try:
            url = services.reset_link_issue(
                access=access,
                user=form.cleaned_data["account"],
                send_by_sms=form.cleaned_data["send_by_sms"],
                url_for=lambda t: request.build_absolute_uri(reverse("accounts:reset", args=[t])),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = forms.ResetLinkForm(access=access)
    context = {
        "org": access.org,
        "form": form,
        "url": url,
        "links": selectors.reset_links_recent(access=access),
        "hours": settings.CARECOOP_RESET_LINK_HOURS,
    }
    return _no_store(render(request, "accounts/reset_link_issue.html", context))


@coop_permission("accounts.issue_reset_link")
def pick(request: HttpRequest, coop: str) -> HttpResponse:
    """A search picker's results (``core.pickers``): accounts a reset link may be issued for."""
    access = access_of(request)
    return pick_results(
        request,
        search=lambda q: selectors.pick_reset_link_accounts(access=access, query=q),
        label=forms.account_label,
    )


@coop_permission("accounts.set_sign_in_rules")
def sign_in_rules(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.SignInRulesForm(request.POST or None, instance=access.org)
    return form_page(
        request,
        form,
        save=lambda data: organisation_sign_in_rules_set(
            org=access.org, require_two_factor=data["require_two_factor"]
        ),
        done=_("Sign-in rules saved."),
        next_url=reverse("accounts:sign_in_rules", kwargs={"coop": coop}),
        template="accounts/sign_in_rules.html",
        context={"org": access.org},
    )
