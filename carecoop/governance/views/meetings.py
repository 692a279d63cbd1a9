"""Meetings: convening, the agenda, the attendance register, opening and closing, the minutes,
and the motions and elections put to them."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.pickers import searching
from carecoop.core.views import act, form_action, form_page
from carecoop.governance import forms, selectors, services
from carecoop.governance.models import Question
from carecoop.governance.views.common import FORM, url


@coop_permission("governance.manage")
def meeting_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.MeetingForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.meeting_convene(by=access_of(request).user, **data),
        done=_("Meeting convened."),
        next_url=lambda meeting: url("meeting", coop, pk=meeting.pk),
        template=FORM,
        context={"title": _("Convene a meeting"), "back": url("overview", coop)},
    )


@coop_permission("governance.view", write="governance.manage")
def meeting_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    can_manage = access.can("governance.manage")
    form = searching(forms.AttendanceForm(access=access), request.GET) if can_manage else None
    names = selectors.attendance_names_shown(access=access, meeting=meeting)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "attendance": selectors.attendance_page(meeting=meeting, number=request.GET.get("page"))
        if names
        else None,
        "params": params.urlencode(),
        "counts": selectors.attendance_counts(meeting=meeting),
        "questions": meeting.questions.all(),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "governance/meeting.html", context)


@coop_permission("governance.manage")
def meeting_agenda(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.AgendaItemForm(request.POST or None),
        save=lambda data: services.agenda_item_add(
            meeting=meeting, by=access_of(request).user, **data
        ),
        done=_("Agenda item added."),
        next_url=url("meeting", coop, pk=meeting.pk),
        template=FORM,
        context={"title": _("Add to the agenda")},
    )


@require_POST
@coop_permission("governance.manage")
def meeting_attendance(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    return form_action(
        request,
        forms.AttendanceForm(request.POST, access=access),
        save=lambda data: services.attendance_record(
            meeting=meeting, by=access_of(request).user, **data
        ),
        done=_("Attendance recorded."),
        invalid=_("Choose a member and their presence."),
        next_url=url("meeting", coop, pk=meeting.pk),
    )


@require_POST
@coop_permission("governance.manage")
def meeting_open(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.meeting_open(meeting=meeting, by=access_of(request).user),
        _("The meeting is in session."),
    )
    return redirect(url("meeting", coop, pk=meeting.pk))


@require_POST
@coop_permission("governance.manage")
def meeting_close(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    act(
        request,
        lambda: services.meeting_close(meeting=meeting, by=access_of(request).user),
        _("The meeting is closed."),
    )
    return redirect(url("meeting", coop, pk=meeting.pk))


@coop_permission("governance.view")
def meeting_minutes(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    names = selectors.attendance_names_shown(access=access, meeting=meeting)
    return render(
        request, "governance/minutes.html", selectors.minutes(meeting=meeting, names=names)
    )


@coop_permission("governance.manage")
def motion_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(access=access_of(request), pk=pk)
    return form_page(
        request,
        forms.MotionForm(request.POST or None),
        save=lambda data: services.motion_create(
            meeting=meeting, by=access_of(request).user, **data
        ),
        done=_("Motion added."),
        next_url=lambda q: url("question", coop, pk=q.pk),
        template=FORM,
        context={"title": _("New motion"), "back": url("meeting", coop, pk=meeting.pk)},
    )


@coop_permission("governance.manage")
def election_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    classes = selectors.office_classes(coop_id=access.coop_id)
    form = forms.ElectionForm(request.POST or None, coop_id=access.coop_id, classes=classes)

    def save(data: dict[str, Any]) -> Question:
        return services.election_create(
            meeting=meeting,
            by=access_of(request).user,
            body=data["body"],
            title=data["title"],
            method=data["method"],
            seats=form.seats(),
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Election added."),
        next_url=lambda q: url("question", coop, pk=q.pk),
        template=FORM,
        context={"title": _("New election"), "back": url("meeting", coop, pk=meeting.pk)},
    )
