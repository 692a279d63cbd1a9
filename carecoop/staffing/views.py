"""Thin views over the staffing services and selectors."""

import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecoop.core.dates import day_param
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.registers import Register
from carecoop.core.views import act, form_page, pick_results
from carecoop.staffing import forms, selectors, services

FORM = "form.html"


def _url(name: str, coop: str, **kwargs: Any) -> str:
    return reverse(f"staffing:{name}", kwargs={"coop": coop, **kwargs})


# Staff -------------------------------------------------------------------------------------


@coop_permission("staffing.view")
def staff_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    context = {
        "staff": selectors.staff_list(access=access),
        "centres": selectors.centres(access=access).order_by("name"),
        "can_manage": access.can("staffing.manage"),
        "can_checkin": access.can("staffing.record_checkin"),
    }
    return render(request, "staffing/staff_list.html", context)


def _staff_data(data: dict[str, Any]) -> dict[str, Any]:
    data["wage_currency"] = (data.get("wage_currency") or "").upper() or None
    data["wage_period"] = data.get("wage_period") or None
    return data


@coop_permission("staffing.manage")
def staff_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    form = forms.StaffForm(
        request.POST or None,
        coop=access.org,
        access=access,
        centres=selectors.centres(access=access),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.staff_create(
            coop=access.org, by=access.user, **_staff_data(data)
        ),
        done=_("Staff member saved."),
        next_url=lambda staff: _url("staff", coop, pk=staff.pk),
        template=FORM,
        context={"title": _("New staff member")},
    )


@coop_permission("staffing.manage")
def staff_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    staff = selectors.staff_get(access=access, pk=pk)
    form = forms.StaffForm(
        request.POST or None,
        coop=access.org,
        access=access,
        centres=selectors.centres(access=access),
        instance=staff,
    )
    return form_page(
        request,
        form,
        save=lambda data: services.staff_update(staff=staff, by=access.user, **_staff_data(data)),
        done=_("Staff member saved."),
        next_url=_url("staff", coop, pk=staff.pk),
        template=FORM,
        context={"title": staff.full_name, "back": _url("staff", coop, pk=staff.pk)},
    )


@coop_permission("staffing.view")
def staff_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    staff = selectors.staff_get(access=access, pk=pk)
    today = timezone.localdate()
    context = {
        "staff": staff,
        "qualifications": staff.qualifications.all(),
        "training": staff.training.select_related("session__topic").order_by("-session__date"),
        "due": selectors.training_due(access=access, on=today, staff_ids=[staff.pk]),
        "roster": staff.roster.filter(date__gte=today - datetime.timedelta(days=7))
        .select_related("room")
        .order_by("date", "starts_at")[:21],
        "today": today,
        "can_manage": access.can("staffing.manage"),
        "can_see_wage": access.can("staffing.view_wages"),
    }
    return render(request, "staffing/staff_detail.html", context)


@coop_permission("staffing.manage")
def qualification_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    staff = selectors.staff_get(access=access, pk=pk)
    return form_page(
        request,
        forms.QualificationForm(request.POST or None),
        save=lambda data: services.qualification_add(staff=staff, by=access.user, **data),
        done=_("Qualification added."),
        next_url=_url("staff", coop, pk=staff.pk),
        template=FORM,
        context={"title": _("New qualification"), "back": _url("staff", coop, pk=staff.pk)},
    )


# Training ----------------------------------------------------------------------------------


@coop_permission("staffing.view")
def session_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    sessions = selectors.sessions(access=access)[:100]
    context = {
        "sessions": sessions,
        "topics": selectors.topics(access=access),
        "can_manage": access.can("staffing.manage"),
    }
    return render(request, "staffing/session_list.html", context)


@coop_permission("staffing.manage")
def topic_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.TopicForm(request.POST or None),
        save=lambda data: services.training_topic_create(coop=access.org, by=access.user, **data),
        done=_("Training topic saved."),
        next_url=_url("sessions", coop),
        template=FORM,
        context={"title": _("New training topic"), "back": _url("sessions", coop)},
    )


@coop_permission("staffing.manage")
def session_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.SessionForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.training_session_create(coop=access.org, by=access.user, **data),
        done=_("Training session saved."),
        next_url=lambda session: _url("session_attendance", coop, pk=session.pk),
        template=FORM,
        context={"title": _("New training session"), "back": _url("sessions", coop)},
    )


@coop_permission("staffing.manage")
def session_attendance(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    session = selectors.session_get(access=access, pk=pk)
    attended = list(session.attendances.values_list("staff_id", flat=True))
    form = forms.AttendanceForm(
        request.POST or None,
        access=access,
        centre_id=session.centre_id,
        initial={"staff": attended},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.training_attendance_record(
            session=session, by=access.user, staff=list(data["staff"])
        ),
        done=_("Attendance recorded."),
        next_url=_url("sessions", coop),
        template=FORM,
        context={
            "title": session.title,
            "subtitle": f"{session.topic.name} · {session.date.isoformat()}",
            "back": _url("sessions", coop),
        },
    )


@coop_permission("staffing.view")
def training_due(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    overdue, soon = selectors.training_overdue_and_soon(access=access, on=today)
    pages: dict[str, Any] = {}
    for name, rows in (("overdue", overdue), ("soon", soon)):
        params = request.GET.copy()
        params.pop(name, None)
        page = Paginator(rows, settings.CARECOOP_PAGE_SIZE).get_page(request.GET.get(name))
        pages[name], pages[f"{name}_params"] = page, params.urlencode()
    return render(request, "staffing/training_due.html", {**pages, "today": today})


# Centres: rules, shifts, roster, check-in, coverage ----------------------------------------


@coop_permission("staffing.manage")
def centre_settings(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    current = selectors.centre_staffing(centre=centre)
    initial = (
        {"legal_rule_set": current.legal_rule_set_id, "target_rule_set": current.target_rule_set_id}
        if current
        else {}
    )
    rule_sets = selectors.rule_sets()
    return form_page(
        request,
        forms.CentreStaffingForm(request.POST or None, rule_sets=rule_sets, initial=initial),
        save=lambda data: services.centre_staffing_set(centre=centre, by=access.user, **data),
        done=_("Ratio rules saved."),
        next_url=_url("week", coop, pk=centre.pk),
        template="staffing/centre_settings.html",
        context={
            "title": _("Ratio rules"),
            "centre": centre,
            "rule_sets": rule_sets,
            "can_checkin": access.can("staffing.record_checkin"),
        },
    )


@coop_permission("staffing.view", write="staffing.manage")
def shifts(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    can_manage = access.can("staffing.manage")
    form = forms.ShiftForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.shift_template_create(centre=centre, by=access.user, **data),
        done=_("Shift saved."),
        next_url=_url("shifts", coop, pk=centre.pk),
        template="staffing/shifts.html",
        context={
            "centre": centre,
            "shifts": selectors.shifts(centre=centre),
            "can_manage": can_manage,
            "can_checkin": access.can("staffing.record_checkin"),
        },
    )


@coop_permission("staffing.view", write="staffing.manage")
def roster(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The week's roster: a row per staff member, a column per day; managers assign shifts."""
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    week = selectors.week_of(day_param(request, "week"))
    can_manage = access.can("staffing.manage")
    form = forms.AssignForm(request.POST or None, access=access, centre=centre)

    def save(data: dict[str, Any]) -> Any:
        return services.roster_week_assign(
            staff=data["staff"],
            by=access.user,
            shift=data["shift"],
            room=data["room"],
            week_start=week[0],
            weekdays=data["weekdays"],
        )

    rows = selectors.roster_rows(access=access, centre=centre, week=week)
    return form_page(
        request,
        form,
        save=save,
        done=_("Shifts added to the roster."),
        next_url=_url("roster", coop, pk=centre.pk) + f"?week={week[0].isoformat()}",
        template="staffing/roster.html",
        context={
            "centre": centre,
            "week": week,
            "rows": rows,
            "previous": (week[0] - datetime.timedelta(days=7)).isoformat(),
            "next": (week[0] + datetime.timedelta(days=7)).isoformat(),
            "can_manage": can_manage,
            "can_checkin": access.can("staffing.record_checkin"),
        },
    )


@coop_permission("staffing.record_checkin")
def checkins(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Who is here today: arrivals and departures of staff, for the centre's facilitator."""
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    today = timezone.localdate()
    form = forms.CheckInForm(request.POST or None, access=access, centre=centre)
    return form_page(
        request,
        form,
        save=lambda data: services.checkin_record(
            staff=data["staff"], by=access.user, date=today, in_at=data["in_at"], room=data["room"]
        ),
        done=_("Arrival recorded."),
        next_url=_url("checkins", coop, pk=centre.pk),
        template="staffing/checkins.html",
        context={
            "centre": centre,
            "today": today,
            "records": selectors.checkins(centre=centre, on=today),
        },
    )


@require_POST
@coop_permission("staffing.record_checkin")
def checkout(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    checkin = selectors.checkin_get(access=access, pk=pk)
    act(
        request,
        lambda: services.checkout_record(
            checkin=checkin,
            by=access.user,
            out_at=timezone.localtime().time().replace(second=0, microsecond=0),
        ),
        _("Departure recorded."),
    )
    return redirect("staffing:checkins", coop=coop, pk=checkin.centre_id)


@coop_permission("staffing.view")
def day_view(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    day = day_param(request, "date")
    result = selectors.coverage(centre=centre, days=[day], now=timezone.localtime())
    context = {
        "centre": centre,
        "coverage": result,
        "day": result.days[0],
        "previous": (day - datetime.timedelta(days=1)).isoformat(),
        "next": (day + datetime.timedelta(days=1)).isoformat(),
        "can_manage": access.can("staffing.manage"),
        "can_checkin": access.can("staffing.record_checkin"),
    }
    return render(request, "staffing/day.html", context)


@coop_permission("staffing.view")
def week_view(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    centre = selectors.centre_get(access=access, pk=pk)
    week = selectors.week_of(day_param(request, "week"))
    result = selectors.coverage(centre=centre, days=week, now=timezone.localtime())
    context = {
        "centre": centre,
        "coverage": result,
        "rooms": [*result.rooms, None],
        "previous": (week[0] - datetime.timedelta(days=7)).isoformat(),
        "next": (week[0] + datetime.timedelta(days=7)).isoformat(),
        "can_manage": access.can("staffing.manage"),
        "can_checkin": access.can("staffing.record_checkin"),
    }
    return render(request, "staffing/week.html", context)


@coop_permission("staffing.view")
def pick(request: HttpRequest, coop: str) -> HttpResponse:
    """A search picker's results (``core.pickers``): current staff, of one centre if asked."""
    access = access_of(request)
    centre = request.GET.get("centre", "")
    centre_id = int(centre) if centre.isdigit() and len(centre) < 12 else None
    return pick_results(
        request,
        search=lambda q: selectors.pick_staff(access=access, query=q, centre_id=centre_id),
        label=forms.staff_label,
    )


# The staff register from a file ----------------------------------------------------------


def _staff_detail(line: Any) -> tuple[str, str]:
    fields = line.fields
    name = f"{fields.get('given_name') or ''} {fields.get('family_name') or ''}"
    centre = fields.get("centre")
    return name, centre.name if centre is not None else ""


STAFF = Register(
    name="staff",
    namespace="staffing",
    permission="staffing.manage",
    upload=services.staff_upload,
    check=services.staff_import_check,
    run=services.staff_import,
    columns=services.STAFF_COLUMNS,
    title=gettext_lazy("Import staff"),
    intro=gettext_lazy(
        "Bring in the staff of the centres from the list you keep: one row per person, with "
        "the centre she works in, her role and the day she started. You will see what the "
        "import adds and changes before anything is saved; one wrong cell, and nothing is "
        "imported. The same file sent again changes nothing: each row's reference finds its "
        "person. Wages are set on each person's page."
    ),
    hint=gettext_lazy(
        "Fill in the template: one row per staff member, the headings in the first row."
    ),
    sheet=gettext_lazy("Staff"),
    back="staffing:staff_list",
    back_title=gettext_lazy("Staff"),
    counted=lambda new, changed: (
        _("%(new)s staff members added, %(changed)s changed.") % {"new": new, "changed": changed}
    ),
    will=lambda new, changed, same: (
        _(
            "The import will add %(new)s staff members and change %(changed)s; %(same)s are "
            "already as the file says."
        )
        % {"new": new, "changed": changed, "same": same}
    ),
    detail=(gettext_lazy("Centre"), _staff_detail),
)
