"""Meetings: convening, the agenda, the attendance register, opening and closing, the minutes,
and the motions and elections put to them."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carecoop.core.forms import apply_errors
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.pickers import query_of, searching
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
    find = query_of(request.GET, "find")
    params.pop("find-q", None)
    context = {
        "meeting": meeting,
        "find": find,
        "candidates": selectors.attendance_candidates(access=access, meeting=meeting, query=find)
        if can_manage and find
        else [],
        "candidates_limit": selectors.ATTENDANCE_SEARCH_LIMIT,
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


def recorded_present(result: services.PresentRecorded) -> str:
    """What recording many members present did, in words."""
    done = ngettext(
        "%(count)s member recorded present.",
        "%(count)s members recorded present.",
        len(result.recorded),
    ) % {"count": len(result.recorded)}
    if not result.already:
        return done
    already = ngettext(
        "Number %(numbers)s was already recorded present.",
        "Numbers %(numbers)s were already recorded present.",
        len(result.already),
    ) % {"numbers": ", ".join(result.already)}
    return f"{done} {already}" if result.recorded else already


@require_POST
@coop_permission("governance.manage")
def meeting_present_many(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The members ticked in a search of the register, recorded present in one go; back to the
    same search, where those recorded are no longer listed."""
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    find = query_of(request.POST, "find")
    back = url("meeting", coop, pk=meeting.pk)
    if find:
        back += "?" + urlencode({"find-q": find})
    return form_action(
        request,
        forms.PresentManyForm(request.POST, access=access),
        save=lambda data: services.attendance_record_present(
            meeting=meeting, by=access_of(request).user, memberships=list(data["members"])
        ),
        done=recorded_present,
        invalid=_("Tick at least one member."),
        next_url=back + "#present-many",
    )


@coop_permission("governance.manage")
def meeting_register(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The register to print and sign at the meeting, a page at a time, and the form where a
    clerk types the member numbers of those who signed."""
    access = access_of(request)
    meeting = selectors.meeting_get(access=access, pk=pk)
    form = forms.MemberNumbersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.attendance_record_present(
                meeting=meeting, by=access.user, numbers=form.cleaned_data["numbers"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, recorded_present(result))
            return redirect(url("meeting_register", coop, pk=meeting.pk))
    page = selectors.register_page(meeting=meeting, number=request.GET.get("page"))
    context = {
        "meeting": meeting,
        "form": form,
        "page": page,
        "open": meeting.status in ("convened", "open"),
    }
    return render(request, "governance/register.html", context)


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
