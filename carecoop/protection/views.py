from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoop.core.dates import day_param
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.pickers import pick_of, searching
from carecoop.core.views import act, form_page
from carecoop.protection import selectors, services
from carecoop.protection.forms import HouseholdChoiceForm, SchemeForm, StepForm


def _household_url(coop: str, pk: int) -> str:
    return reverse("protection:household", kwargs={"coop": coop, "pk": pk})


@coop_permission("protection.view")
def step_list(request: HttpRequest, coop: str) -> HttpResponse:
    """The steps recorded, latest first; for the manager a search for a family's page, for a
    member her own household's page."""
    access = access_of(request)
    can_manage = access.can("protection.manage")
    finder = None
    if can_manage:
        chosen = "household" in request.GET and not pick_of(request.GET)
        finder = HouseholdChoiceForm(request.GET if chosen else None, access=access)
        if chosen and finder.is_valid():
            return redirect(_household_url(coop, finder.cleaned_data["household"].pk))
        searching(finder, request.GET)
    page = selectors.step_page(access=access, cursor=request.GET.get("cursor", ""))
    own = [] if can_manage else list(selectors.households(access=access)[:10])
    return render(
        request,
        "protection/steps.html",
        {
            "page": page,
            "finder": finder,
            "own": own,
            "can_manage": can_manage,
            "can_count": access.can("protection.indicators"),
        },
    )


@coop_permission("protection.view")
def household(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """A family's state with each scheme, its steps, and for the manager the form of a step."""
    access = access_of(request)
    found = selectors.household_get(access=access, pk=pk)
    steps = Paginator(
        selectors.household_steps(access=access, household=found), settings.CARECOOP_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    can_manage = access.can("protection.manage")
    form = StepForm(access=access, initial={"household": found.pk}) if can_manage else None
    states = selectors.household_states(access=access, household=found)
    return render(
        request,
        "protection/household.html",
        {
            "household": found,
            "states": states,
            # The steps that can be taken back: each scheme's last.
            "last": {s.last_pk for s in states if s.last_pk},
            "steps": steps,
            "form": form,
            "can_manage": can_manage,
        },
    )


@coop_permission("protection.manage")
def step_new(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    initial = {"household": request.GET.get("household", "")}
    form = StepForm(request.POST or None, access=access, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.step_record(by=access.user, **data),
        done=_("Step recorded."),
        next_url=lambda step: _household_url(coop, step.household_id),
        template="form.html",
        context={
            "title": _("Record a step with a scheme"),
            "back": reverse("protection:steps", kwargs={"coop": coop}),
        },
    )


@require_POST
@coop_permission("protection.manage")
def step_remove(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Take back a step recorded by mistake (the family's last with its scheme)."""
    access = access_of(request)
    step = selectors.step_get(access=access, pk=pk)
    act(request, lambda: services.step_remove(step=step, by=access.user), _("Step taken back."))
    return redirect(_household_url(coop, step.household_id))


@coop_permission("protection.view")
def scheme_list(request: HttpRequest, coop: str) -> HttpResponse:
    access = access_of(request)
    page = Paginator(selectors.schemes(access=access), settings.CARECOOP_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "protection/schemes.html",
        {"page": page, "can_manage": access.can("protection.manage")},
    )


@coop_permission("protection.manage")
def scheme_edit(request: HttpRequest, coop: str, pk: int | None = None) -> HttpResponse:
    access = access_of(request)
    scheme = selectors.scheme_get(access=access, pk=pk) if pk is not None else None

    def save(data: dict[str, Any]) -> Any:
        return services.scheme_save(coop=access.org, by=access.user, scheme=scheme, **data)

    return form_page(
        request,
        SchemeForm(request.POST or None, instance=scheme),
        save=save,
        done=_("Scheme saved."),
        next_url=reverse("protection:schemes", kwargs={"coop": coop}),
        template="form.html",
        context={
            "title": scheme.name if scheme else _("New scheme"),
            "back": reverse("protection:schemes", kwargs={"coop": coop}),
        },
    )


@coop_permission("protection.indicators")
def indicator_page(request: HttpRequest, coop: str) -> HttpResponse:
    """The share of families with access, on a day and month by month over the year before."""
    access = access_of(request)
    on = day_param(request, "on")
    found = selectors.indicators(access=access, on=on)
    key = request.GET.get("line", selectors.ANY)
    line = next((x for x in found.lines if x.key == key), found.lines[0])
    months = list(zip(found.days, found.families, line.shares, strict=True))
    return render(
        request,
        "protection/indicators.html",
        {
            "on": on,
            "found": found,
            "line": line,
            "months": months[::-1],
            "families": found.families[-1],
            "small": settings.CARECOOP_SMALL_CELL,
        },
    )
