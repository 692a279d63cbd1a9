"""Thin views over the care services and selectors."""

import datetime
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.care import attendance as attendance_rules
from carecoop.care import forms, selectors, services
from carecoop.care.models import Absence, Application, ApplicationStatus, ChildProfile, Enrolment
from carecoop.core.forms import apply_errors
from carecoop.core.permissions import coop_permission


def _access(request: HttpRequest) -> Any:
    return request.access  # type: ignore[attr-defined]


def _day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@coop_permission("care.view_centres")
def centre_list(request: HttpRequest, coop: str) -> HttpResponse:
    centres = selectors.centre_list(access=_access(request))
    return render(request, "care/centre_list.html", {"centres": centres})


@coop_permission("care.view_centres")
def centre_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = _access(request)
    centre = selectors.centre_get(access=access, pk=pk)
    today = timezone.localdate()
    context = {
        "centre": centre,
        "hours": centre.hours.all(),
        "closures": centre.closures.filter(ends_on__gte=today),
        "occupancy": selectors.occupancy(centre=centre, on=today),
        "can_record": access.can("care.record_attendance")
        and (selectors.working_centre_ids(access) is None or centre.pk in access.centre_ids),
        "can_see_waitlist": access.can("care.view_waitlist"),
        "can_apply": access.can("care.apply"),
        "moves": selectors.moves_due(centre=centre, on=today) if access.can("care.manage") else [],
    }
    return render(request, "care/centre_detail.html", context)


@require_POST
@coop_permission("care.manage")
def enrolment_move(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Move a child who has outgrown their room to the room that fits their age."""
    enrolment = Enrolment.objects.filter(pk=pk).select_related("centre", "child").first()
    if enrolment is None:
        raise Http404
    today = timezone.localdate()
    move = next(
        (m for m in selectors.moves_due(centre=enrolment.centre, on=today) if m.enrolment.pk == pk),
        None,
    )
    if move is None:
        messages.error(request, _("This child does not need to move."))
    else:
        try:
            services.enrolment_move(enrolment=enrolment, room=move.room, by=request.user, on=today)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s moved to %(room)s.")
                % {"name": enrolment.child.full_name, "room": move.room.name},
            )
    return redirect("care:centre", coop=coop, pk=enrolment.centre_id)


@coop_permission("care.view_waitlist")
def waitlist(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = _access(request)
    centre = selectors.centre_get(access=access, pk=pk)
    today = timezone.localdate()
    ranked = services.waitlist(centre, today)
    applications = (
        Application.objects.filter(centre=centre)
        .select_related("child")
        .in_bulk([r.candidate.id for r in ranked])
    )
    offers = (
        Application.objects.filter(centre=centre, status=ApplicationStatus.OFFERED)
        .select_related("child", "offered_pool", "offered_room")
        .order_by("offer_expires_on")
    )
    rows = [(position, r, applications[r.candidate.id]) for position, r in enumerate(ranked, 1)]
    context = {
        "centre": centre,
        "rows": rows,
        "offers": offers,
        "can_manage": access.can("care.manage"),
    }
    return render(request, "care/waitlist.html", context)


@require_POST
@coop_permission("care.manage")
def allocate(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=_access(request), pk=pk)
    result = services.places_allocate(centre=centre, by=request.user)
    messages.success(
        request,
        _("%(offered)s places offered; %(expired)s offers expired.")
        % {"offered": result.offered, "expired": result.expired},
    )
    return redirect("care:waitlist", coop=coop, pk=centre.pk)


@require_POST
@coop_permission("care.manage")
def offer_answer(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    application = Application.objects.filter(pk=pk).select_related("centre").first()
    if application is None:
        raise Http404
    try:
        services.offer_answer(
            application=application, by=request.user, accept=request.POST.get("answer") == "accept"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Answer recorded."))
    return redirect("care:waitlist", coop=coop, pk=application.centre_id)


@coop_permission("care.apply")
def apply(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = _access(request)
    centre = selectors.centre_get(access=access, pk=pk)
    children = list(selectors.children_of(access=access).order_by("given_name"))
    form = forms.ApplicationForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        child = next(c for c in children if c.pk == data.pop("child"))
        try:
            services.application_submit(child=child, centre=centre, by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Application received. It is now on the waitlist."))
            return redirect("care:centre", coop=coop, pk=centre.pk)
    return render(
        request,
        "care/form.html",
        {"form": form, "title": _("Apply for a place"), "centre": centre},
    )


@coop_permission("care.record_attendance")
def attendance(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The day's attendance sheet; works offline (see static/carecoop/attendance.js)."""
    access = _access(request)
    centre = selectors.centre_get(access=access, pk=pk, working=True)
    day = _day(request.GET.get("date"))
    context = {
        "centre": centre,
        "day": day,
        "rows": selectors.attendance_sheet(centre=centre, on=day),
        "absences": Absence.choices,
    }
    return render(request, "care/attendance.html", context)


@coop_permission("care.record_attendance")
def register(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The monthly register, laid out like the paper one, for printing."""
    access = _access(request)
    centre = selectors.centre_get(access=access, pk=pk, working=True)
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    days, rows = selectors.monthly_register(centre=centre, year=year, month=month)
    return render(
        request,
        "care/register.html",
        {"centre": centre, "days": days, "rows": rows, "month": datetime.date(year, month, 1)},
    )


@require_POST
@coop_permission("care.record_attendance")
def sync(request: HttpRequest, coop: str) -> HttpResponse:
    """Apply a batch of operations recorded offline; each is applied exactly once."""
    access = _access(request)
    try:
        body = json.loads(request.body)
        operations = body["operations"]
        if not isinstance(operations, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("The request is not a list of operations.")}, status=400)
    results = attendance_rules.sync_apply(
        coop=access.org,
        by=request.user,
        centre_ids=selectors.working_centre_ids(access),
        operations=operations,
    )
    return JsonResponse({"results": [r.__dict__ for r in results]})


@coop_permission("care.record_attendance")
def service_worker(request: HttpRequest, coop: str) -> HttpResponse:
    script = render_to_string("care/sw.js", request=request)
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@coop_permission("care.view_children")
def child_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = _access(request)
    child = selectors.children_of(access=access).filter(pk=pk).first()
    if child is None:
        raise Http404
    today = timezone.localdate()
    enrolments = Enrolment.objects.filter(child=child).select_related("centre", "room", "pool")
    context = {
        "child": child,
        "enrolments": enrolments,
        "bookings": selectors.upcoming_bookings(child, today),
        "collectors": attendance_rules.authorised_collectors(child, today),
        "profile": ChildProfile.objects.filter(child=child).first()
        if access.can("care.view_health")
        else None,
        "can_health": access.can("care.view_health"),
        "can_manage": access.can("care.manage"),
        "applications": child.applications.select_related("centre"),
    }
    return render(request, "care/child_detail.html", context)


def _child(request: HttpRequest, pk: int) -> Any:
    child = selectors.children_of(access=_access(request)).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


@coop_permission("care.view_children")
def booking_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    today = timezone.localdate()
    enrolment = selectors.active_enrolments_of(child, today).select_related("centre").first()
    form = forms.BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("time_unknown")
        try:
            if enrolment is None:
                raise ValidationError(_("The child is not enrolled on that day."))
            services.booking_set(enrolment=enrolment, by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Care time booked."))
            return redirect("care:child", coop=coop, pk=child.pk)
    return render(
        request, "care/form.html", {"form": form, "title": _("Book care time"), "child": child}
    )


@coop_permission("care.manage")
def collector_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    form = forms.CollectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.collector_add(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Authorised person added."))
            return redirect("care:child", coop=coop, pk=child.pk)
    return render(
        request,
        "care/form.html",
        {"form": form, "title": _("Someone else who may collect the child"), "child": child},
    )


@coop_permission("care.manage")
def profile_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    profile = ChildProfile.objects.filter(child=child).first()
    form = forms.ChildProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_profile_save(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("care:child", coop=coop, pk=child.pk)
    return render(
        request,
        "care/form.html",
        {"form": form, "title": _("Health and care needs"), "child": child},
    )
