"""Thin views over the care services and selectors."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecoop.care import attendance as attendance_rules
from carecoop.care import forms, selectors, services
from carecoop.care.models import Absence, Application, ChildProfile, Enrolment
from carecoop.core.dates import day_param
from carecoop.core.exports import register_response
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.registers import Register
from carecoop.core.views import act, form_page, offline_worker
from carecoop.members.models import Person, Seen
from carecoop.members.services import view_log_record
from carecoop.tenancy.models import Centre


@coop_permission("care.view_centres")
def centre_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    page = selectors.centre_list(access=access, page=request.GET.get("page"))
    return render(
        request,
        "care/centre_list.html",
        {
            "centres": page.object_list,
            "page": page,
            "can_manage": access.can("care.manage"),
            "can_export": access.can("care.export_children"),
        },
    )


@coop_permission("care.export_children")
def children_export(request: HttpRequest, coop: str, fmt: str) -> HttpResponseBase:
    """The children enrolled today, in the centres the role works in, as CSV or XLSX."""
    access = access_of(request)
    today = timezone.localdate()
    columns, rows = selectors.children_register(access=access, on=today)
    name = f"children-{access.org.slug}-{today.isoformat()}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=_("Children"))


def _to_centre(coop: str) -> Callable[[Centre], str]:
    return lambda centre: reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk})


@coop_permission("care.manage")
def centre_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.CentreForm(request.POST or None),
        save=lambda data: services.centre_create(coop=access.org, by=access.user, **data),
        done=_("Centre saved. Now set its priority points for the waitlist."),
        next_url=lambda centre: reverse("care:priorities", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("New centre")},
    )


@coop_permission("care.manage")
def centre_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.CentreForm(request.POST or None, instance=centre),
        save=lambda data: services.centre_update(centre=centre, by=access_of(request).user, **data),
        done=_("Centre saved."),
        next_url=_to_centre(coop),
        template="care/form.html",
        context={"title": centre.name, "centre": centre},
    )


@coop_permission("care.manage")
def room_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.RoomForm(request.POST or None),
        save=lambda data: services.room_create(centre=centre, by=access_of(request).user, **data),
        done=_("Room added."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("New room"), "centre": centre},
    )


@coop_permission("care.manage")
def pool_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    return form_page(
        request,
        forms.PoolForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.pool_create(
            centre=centre,
            by=access.user,
            **{**data, "member_classes": list(data["member_classes"])},
        ),
        done=_("Pool of places added."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("New pool of places"), "centre": centre},
    )


@coop_permission("care.view_centres", write="care.manage")
def pool_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """A pool of places and when its unfilled places are released; the manager changes the date."""
    access = access_of(request)
    pool = selectors.pool_get(access=access, pk=pk)
    context = {"pool": pool, "centre": pool.centre, "title": pool.name}
    if not access.can("care.manage"):
        return render(request, "care/pool.html", context)
    return form_page(
        request,
        forms.PoolReleaseForm(request.POST or None, initial={"release_on": pool.release_on}),
        save=lambda data: services.pool_release_set(pool=pool, by=access.user, **data),
        done=_("Release date saved."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": pool.centre_id}),
        template="care/pool.html",
        context=context,
    )


@coop_permission("care.manage")
def closure_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.ClosureForm(request.POST or None),
        save=lambda data: services.closure_add(centre=centre, by=access_of(request).user, **data),
        done=_("Closure added."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("Closures"), "centre": centre},
    )


@coop_permission("care.manage")
def hours_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    current = {h.weekday: (h.opens_at, h.closes_at) for h in centre.hours.all()}
    form = forms.HoursForm(request.POST or None, current=current)
    return form_page(
        request,
        form,
        save=lambda data: services.opening_week_set(
            centre=centre, by=access_of(request).user, days=form.days()
        ),
        done=_("Opening hours saved."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("Opening hours"), "centre": centre},
    )


@coop_permission("care.manage")
def priorities_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    points = selectors.priority_points(centre)
    return form_page(
        request,
        forms.PriorityForm(request.POST or None, current=points.points),
        save=lambda data: services.priority_set(
            centre=centre, by=access_of(request).user, points=data
        ),
        done=_("Priority points saved."),
        next_url=reverse("care:waitlist", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={
            "title": _("Priority points"),
            "centre": centre,
            "note": _(
                "Points this centre does not have yet are filled in with those most of the "
                "cooperative's other centres give. Nothing is saved until you press Save."
            )
            if points.suggested
            else "",
        },
    )


@coop_permission("care.view_centres")
def centre_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    today = timezone.localdate()
    context = {
        "centre": centre,
        "hours": centre.hours.all(),
        "closures": centre.closures.filter(ends_on__gte=today),
        "occupancy": selectors.occupancy(centre=centre, on=today),
        "can_record": centre.pk in selectors.working_centre_ids(access),
        "can_see_waitlist": access.can("care.view_waitlist"),
        "can_apply": access.can("care.apply"),
        "can_manage": access.can("care.manage"),
        "moves": selectors.moves_due(centre=centre, on=today) if access.can("care.manage") else [],
        "overrides": selectors.collection_overrides(
            centre=centre, since=today - datetime.timedelta(days=30)
        )
        if access.can("care.manage")
        else [],
    }
    return render(request, "care/centre_detail.html", context)


@require_POST
@coop_permission("care.manage")
def enrolment_move(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Move a child who has outgrown their room to the room that fits their age."""
    enrolment = (
        access_of(request)
        .restrict(Enrolment.objects.filter(pk=pk))
        .select_related("centre", "child")
        .first()
    )
    if enrolment is None:
        raise Http404
    act(
        request,
        lambda: services.enrolment_move_due(
            enrolment=enrolment, by=access_of(request).user, on=timezone.localdate()
        ),
        lambda moved: (
            _("%(name)s moved to %(room)s.")
            % {"name": enrolment.child.full_name, "room": moved.room.name}
        ),
    )
    return redirect("care:centre", coop=coop, pk=enrolment.centre_id)


@coop_permission("care.view_waitlist")
def waitlist(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    explained = services.waitlist_explained(centre, timezone.localdate())
    page = Paginator(explained.rows, settings.CARECOOP_PAGE_SIZE).get_page(request.GET.get("page"))
    offers = Paginator(selectors.open_offers(centre=centre), settings.CARECOOP_PAGE_SIZE).get_page(
        request.GET.get("offers")
    )
    applications = selectors.applications_in_bulk(
        centre=centre, ids=[row.ranked.candidate.id for row in page.object_list]
    )
    context = {
        "centre": centre,
        "waitlist": explained,
        "page": page,
        "rows": [(row, applications[row.ranked.candidate.id]) for row in page.object_list],
        "offers": offers,
        "can_manage": access.can("care.manage"),
    }
    return render(request, "care/waitlist.html", context)


@require_POST
@coop_permission("care.manage")
def allocate(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get(access=access_of(request), pk=pk)
    result = services.places_allocate(centre=centre, by=access_of(request).user)
    messages.success(
        request,
        _("%(offered)s places offered; %(expired)s offers expired.")
        % {"offered": result.offered, "expired": result.expired},
    )
    return redirect("care:waitlist", coop=coop, pk=centre.pk)


@require_POST
@coop_permission("care.manage")
def offer_answer(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    application = (
        access_of(request)
        .restrict(Application.objects.filter(pk=pk))
        .select_related("centre")
        .first()
    )
    if application is None:
        raise Http404
    act(
        request,
        lambda: services.offer_answer(
            application=application,
            by=access_of(request).user,
            accept=request.POST.get("answer") == "accept",
        ),
        _("Answer recorded."),
    )
    return redirect("care:waitlist", coop=coop, pk=application.centre_id)


@coop_permission("care.apply")
def apply(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)

    def save(data: dict[str, Any]) -> Any:
        return services.application_submit(centre=centre, by=access.user, **data)

    return form_page(
        request,
        forms.ApplicationForm(request.POST or None, access=access),
        save=save,
        done=_("Application received. It is now on the waitlist."),
        next_url=reverse("care:centre", kwargs={"coop": coop, "pk": centre.pk}),
        template="care/form.html",
        context={"title": _("Apply for a place"), "centre": centre},
    )


@coop_permission("care.record_attendance")
def attendance(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The day's attendance sheet; works offline (see static/carecoop/attendance.js)."""
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk, working=True)
    day = day_param(request, "date")
    context = {
        "centre": centre,
        "day": day,
        "rows": selectors.attendance_sheet(centre=centre, on=day),
        # The same reasons under every child: built once for the sheet.
        "absence_options": format_html_join("", '<option value="{}">{}</option>', Absence.choices),
    }
    return render(request, "care/attendance.html", context)


@coop_permission("care.record_attendance")
def register(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The monthly register, laid out like the paper one, for printing."""
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk, working=True)
    first = day_param(request, "month", unit="month")
    year, month = first.year, first.month
    days, rows = selectors.monthly_register(centre=centre, year=year, month=month)
    return render(
        request,
        "care/register.html",
        {
            "centre": centre,
            "days": days,
            "rows": rows,
            "month": datetime.date(year, month, 1),
            "present": selectors.REGISTER_MARKS["present"],
            "absent": selectors.REGISTER_MARKS["absent"],
        },
    )


@coop_permission("care.record_attendance")
def register_export(request: HttpRequest, coop: str, pk: int, fmt: str) -> HttpResponseBase:
    """The monthly register as CSV or XLSX."""
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk, working=True)
    first = day_param(request, "month", unit="month")
    columns, rows = selectors.monthly_register_file(
        centre=centre, year=first.year, month=first.month
    )
    name = f"register-{access.org.slug}-{centre.code}-{first.isoformat()[:7]}"
    return register_response(fmt, name=name, columns=columns, rows=rows, sheet=centre.name)


@coop_permission("care.record_attendance")
def service_worker(request: HttpRequest, coop: str) -> HttpResponse:
    return offline_worker(
        request,
        cache="carecoop-attendance-1",
        files=["carecoop/carecoop.css", "carecoop/outbox.js", "carecoop/attendance.js"],
        path="/attendance/",
    )


@coop_permission("care.view_children")
def child_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    child = selectors.children_of(access=access).filter(pk=pk).first()
    if child is None:
        raise Http404
    today = timezone.localdate()
    enrolments = access.restrict(Enrolment.objects.filter(child=child)).select_related(
        "centre", "room", "pool"
    )
    can_health = access.can("care.view_health")
    if can_health:  # Allergies, medical notes and special needs: part of the health record.
        view_log_record(
            coop_id=access.coop_id, viewer=access.user, person_id=child.pk, seen=Seen.HEALTH
        )
    context = {
        "child": child,
        "enrolments": enrolments,
        "bookings": selectors.upcoming_bookings(child, today),
        "collectors": attendance_rules.authorised_collectors(child, today),
        "profile": ChildProfile.objects.filter(child=child).first() if can_health else None,
        "can_health": can_health,
        "can_manage": access.can("care.manage"),
        "applications": child.applications.select_related("centre"),
    }
    return render(request, "care/child_detail.html", context)


def _child(request: HttpRequest, pk: int) -> Person:
    child = selectors.children_of(access=access_of(request)).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


@coop_permission("care.view_children")
def booking_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)

    def save(data: dict[str, Any]) -> Any:
        data.pop("time_unknown")
        return services.child_booking_set(child=child, by=access_of(request).user, **data)

    return form_page(
        request,
        forms.BookingForm(request.POST or None),
        save=save,
        done=_("Care time booked."),
        next_url=reverse("care:child", kwargs={"coop": coop, "pk": child.pk}),
        template="care/form.html",
        context={"title": _("Book care time"), "child": child},
    )


@coop_permission("care.manage")
def collector_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    return form_page(
        request,
        forms.CollectorForm(request.POST or None),
        save=lambda data: services.collector_add(child=child, by=access_of(request).user, **data),
        done=_("Authorised person added."),
        next_url=reverse("care:child", kwargs={"coop": coop, "pk": child.pk}),
        template="care/form.html",
        context={"title": _("Someone else who may collect the child"), "child": child},
    )


@coop_permission("care.manage")
def profile_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    profile = ChildProfile.objects.filter(child=child).first()
    return form_page(
        request,
        forms.ChildProfileForm(request.POST or None, instance=profile),
        save=lambda data: services.child_profile_save(
            child=child, by=access_of(request).user, **data
        ),
        done=_("Changes saved."),
        next_url=reverse("care:child", kwargs={"coop": coop, "pk": child.pk}),
        template="care/form.html",
        context={"title": _("Health and care needs"), "child": child},
    )


# Centres and rooms from a file -------------------------------------------------------------


def _centre_detail(line: Any) -> tuple[str, str]:
    return line.fields.get("name") or "", str(line.fields.get("licensed_capacity") or "")


def _room_detail(line: Any) -> tuple[str, str]:
    return line.fields.get("name") or "", line.centre.name if line.centre else ""


def _collector_detail(line: Any) -> tuple[str, str]:
    child = line.child.full_name if line.child else ""
    return line.fields.get("name") or "", child


def _centre_registers() -> tuple[Register, ...]:
    return (CENTRES, COLLECTORS)


def _room_registers() -> tuple[Register, ...]:
    return (ROOMS, COLLECTORS)


def _collector_registers() -> tuple[Register, ...]:
    return (CENTRES, ROOMS)


CENTRES = Register(
    name="centres",
    namespace="care",
    permission="care.manage",
    upload=services.centres_upload,
    check=services.centres_import_check,
    run=services.centres_import,
    columns=services.CENTRE_COLUMNS,
    title=gettext_lazy("Import centres"),
    intro=gettext_lazy(
        "Bring in the cooperative's centres: one row per centre, with its code, its licensed "
        "places and its hours. You will see what the import adds and changes before anything "
        "is saved; one wrong cell, and nothing is imported. The same file sent again changes "
        "nothing: each centre is found again by its code. Then bring in their rooms."
    ),
    hint=gettext_lazy("Fill in the template: one row per centre, the headings in the first row."),
    sheet=gettext_lazy("Centres"),
    back="care:centre_list",
    back_title=gettext_lazy("Centres"),
    counted=lambda new, changed: (
        _("%(new)s centres added, %(changed)s changed.") % {"new": new, "changed": changed}
    ),
    will=lambda new, changed, same: (
        _(
            "The import will add %(new)s centres and change %(changed)s; %(same)s are already as "
            "the file says."
        )
        % {"new": new, "changed": changed, "same": same}
    ),
    detail=(gettext_lazy("Licensed places"), _centre_detail),
    see_also=_room_registers,
)
ROOMS = Register(
    name="rooms",
    namespace="care",
    permission="care.manage",
    upload=services.rooms_upload,
    check=services.rooms_import_check,
    run=services.rooms_import,
    columns=services.ROOM_COLUMNS,
    title=gettext_lazy("Import rooms"),
    intro=gettext_lazy(
        "Bring in the rooms of the centres already here: one row per room, with its centre's "
        "code or name, the ages it takes and its places. The places of a centre's rooms stay "
        "within its licence. One wrong cell, and nothing is imported; the same file sent again "
        "changes nothing."
    ),
    hint=gettext_lazy("Fill in the template: one row per room, the headings in the first row."),
    sheet=gettext_lazy("Rooms"),
    back="care:centre_list",
    back_title=gettext_lazy("Centres"),
    counted=lambda new, changed: _("%(new)s rooms added.") % {"new": new},
    will=lambda new, changed, same: (
        _("The import will add %(new)s rooms; %(same)s are already as the file says.")
        % {"new": new, "same": same}
    ),
    detail=(gettext_lazy("Centre"), _room_detail),
    see_also=_centre_registers,
)
COLLECTORS = Register(
    name="collectors",
    namespace="care",
    permission="care.manage",
    upload=services.collectors_upload,
    check=services.collectors_import_check,
    run=services.collectors_import,
    columns=services.COLLECTOR_COLUMNS,
    title=gettext_lazy("Import authorised collectors"),
    intro=gettext_lazy(
        "Bring in the people other than guardians whom families allow to collect their "
        "children: one row per person and child, with the child's reference from the children's "
        "register. One wrong cell, and nothing is imported; the same file sent again changes "
        "nothing, and an updated one changes what changed."
    ),
    hint=gettext_lazy(
        "Fill in the template: one row per collector and child, the headings in the first row."
    ),
    sheet=gettext_lazy("Authorised collectors"),
    back="care:centre_list",
    back_title=gettext_lazy("Centres"),
    counted=lambda new, changed: (
        _("%(new)s authorised collectors added, %(changed)s changed.")
        % {"new": new, "changed": changed}
    ),
    will=lambda new, changed, same: (
        _(
            "The import will add %(new)s authorised collectors and change %(changed)s; %(same)s are "
            "already as the file says."
        )
        % {"new": new, "changed": changed, "same": same}
    ),
    detail=(gettext_lazy("Child"), _collector_detail),
    see_also=_collector_registers,
)
