"""The overview, the eligibility rules, bodies with their seats and terms, and board decisions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core.dates import day_param
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.views import form_page
from carecoop.governance import forms, selectors, services
from carecoop.governance.views.common import FORM, url


@coop_permission("governance.view")
def overview(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    today = timezone.localdate()
    context = {
        "bodies": selectors.bodies(access=access),
        "meetings": selectors.upcoming_meetings(access=access, now=timezone.now()),
        "past": selectors.past_meetings(access=access)[:10],
        "ending": selectors.terms_ending(access=access, on=today),
        "decisions": selectors.decisions(access=access)[:10],
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/overview.html", context)


@coop_permission("governance.view")
def eligibility(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    on = day_param(request, "on")
    page, rows = selectors.eligibility_page(access=access, on=on, number=request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "params": params.urlencode(),
        "on": on,
        "classes": selectors.class_rule_lines(coop_id=access.coop_id),
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/eligibility.html", context)


@coop_permission("governance.manage")
def class_rule(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.ClassRuleForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.class_rule_set(
            coop=access.org, by=access_of(request).user, **data
        ),
        done=_("Eligibility rule saved."),
        next_url=url("eligibility", coop),
        template=FORM,
        context={"title": _("Eligibility rule of a class"), "back": url("eligibility", coop)},
    )


# Bodies and terms ----------------------------------------------------------------------------


@coop_permission("governance.manage")
def body_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.BodyForm(request.POST or None),
        save=lambda data: services.body_create(coop=access.org, by=access_of(request).user, **data),
        done=_("Body saved."),
        next_url=lambda body: url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("New body"), "back": url("overview", coop)},
    )


@coop_permission("governance.view")
def body_detail(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    on = day_param(request, "on")
    context = {
        "body": body,
        "on": on,
        "lines": selectors.seat_lines(body=body, on=on),
        "terms": selectors.current_terms(body=body, on=on).order_by("ends_on"),
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/body.html", context)


@coop_permission("governance.manage")
def body_edit(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """The statutes' rules for a body's meetings and terms, as they stand now."""
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    initial = {name: getattr(body, name) for name in services.BODY_FIELDS}
    return form_page(
        request,
        forms.BodyForm(request.POST or None, initial=initial),
        save=lambda data: services.body_update(body=body, by=access_of(request).user, **data),
        done=_("Body saved."),
        next_url=url("body", coop, pk=body.pk),
        template=FORM,
        context={
            "title": _("Rules of %(body)s") % {"body": body.name},
            "back": url("body", coop, pk=body.pk),
        },
    )


@coop_permission("governance.manage")
def body_seats(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    return form_page(
        request,
        forms.SeatsForm(request.POST or None, coop_id=access.coop_id),
        save=lambda data: services.body_seats_set(body=body, by=access_of(request).user, **data),
        done=_("Seats saved."),
        next_url=url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("Seats reserved on %(body)s") % {"body": body.name}},
    )


@coop_permission("governance.manage")
def term_create(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    body = selectors.body_get(access=access, pk=pk)
    return form_page(
        request,
        forms.TermForm(request.POST or None, access=access),
        save=lambda data: services.term_create(body=body, by=access_of(request).user, **data),
        done=_("Term of office recorded."),
        next_url=url("body", coop, pk=body.pk),
        template=FORM,
        context={"title": _("New term on %(body)s") % {"body": body.name}},
    )


@coop_permission("governance.manage")
def term_end(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    term = selectors.term_get(access=access, pk=pk)
    return form_page(
        request,
        forms.TermEndForm(request.POST or None),
        save=lambda data: services.term_end(term=term, by=access_of(request).user, **data),
        done=_("The seat is now vacant."),
        next_url=url("body", coop, pk=term.body_id),
        template=FORM,
        context={"title": _("End a term early")},
    )


# Board decisions -----------------------------------------------------------------------------


@coop_permission("governance.view")
def decisions(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    context = {
        "decisions": selectors.decisions(access=access)[:200],
        "can_manage": access.can("governance.manage"),
    }
    return render(request, "governance/decisions.html", context)


@coop_permission("governance.manage")
def decision_create(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    return form_page(
        request,
        forms.DecisionForm(request.POST or None),
        save=lambda data: services.decision_record(
            coop=access.org, by=access_of(request).user, **data
        ),
        done=_("Board decision recorded."),
        next_url=url("decisions", coop),
        template=FORM,
        context={"title": _("New board decision"), "back": url("decisions", coop)},
    )
