"""Thin views over the health services and selectors."""

import calendar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.care import selectors as care_selectors
from carecoop.core.dates import day_param
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.views import form_page
from carecoop.health import forms, selectors, services
from carecoop.health.models import Meal, MealServed, Measurement, Referral
from carecoop.members.models import Person, Seen
from carecoop.members.services import view_log_record


def _child(request: HttpRequest, pk: int) -> Person:
    """A child the asking role may see: their centres' (facilitator) or their own (member)."""
    child = care_selectors.children_of(access=access_of(request)).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


def _child_url(coop: str, pk: int) -> str:
    return reverse("health:child", kwargs={"coop": coop, "pk": pk})


@coop_permission("health.view_child")
def child_health(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    child = _child(request, pk)
    view_log_record(
        coop_id=access.coop_id, viewer=access.user, person_id=child.pk, seen=Seen.HEALTH
    )
    today = timezone.localdate()
    measurements = list(Measurement.objects.filter(child=child))
    context = {
        "child": child,
        "measurements": measurements,
        "chart": selectors.growth_chart(child, measurements),
        "doses": selectors.vaccination_statuses(child, today),
        "referrals": selectors.referrals_of(child),
        "can_record": access.can("health.record"),
    }
    return render(request, "health/child.html", context)


@coop_permission("health.record")
def measurement_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    return form_page(
        request,
        forms.MeasurementForm(request.POST or None),
        save=lambda data: services.measurement_record(
            child=child, by=access_of(request).user, **data
        ),
        done=_("Measurement recorded."),
        next_url=_child_url(coop, child.pk),
        template="health/form.html",
        context={"title": _("Growth measurement"), "child": child},
    )


@coop_permission("health.record")
def vaccination_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    doses = selectors.vaccination_statuses(child, timezone.localdate())
    return form_page(
        request,
        forms.VaccinationForm(request.POST or None, doses=doses),
        save=lambda data: services.vaccination_record(
            child=child, by=access_of(request).user, **data
        ),
        done=_("Vaccination recorded."),
        next_url=_child_url(coop, child.pk),
        template="health/form.html",
        context={"title": _("Vaccination"), "child": child},
    )


@coop_permission("health.record")
def referral_add(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    child = _child(request, pk)
    return form_page(
        request,
        forms.ReferralForm(request.POST or None),
        save=lambda data: services.referral_create(child=child, by=access_of(request).user, **data),
        done=_("Referral recorded."),
        next_url=_child_url(coop, child.pk),
        template="health/form.html",
        context={"title": _("Referral to a service"), "child": child},
    )


@coop_permission("health.record")
def referral_outcome(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    referral = (
        access_of(request).restrict(Referral.objects.filter(pk=pk)).select_related("child").first()
    )
    if referral is None:
        raise Http404
    child = _child(request, referral.child_id)
    return form_page(
        request,
        forms.OutcomeForm(request.POST or None, initial={"outcome": referral.outcome}),
        save=lambda data: services.referral_outcome(
            referral=referral, by=access_of(request).user, **data
        ),
        done=_("Outcome recorded."),
        next_url=_child_url(coop, child.pk),
        template="health/form.html",
        context={"title": _("Outcome of the referral"), "child": child},
    )


@coop_permission("health.view_centre")
def centre_vaccinations(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = care_selectors.centre_get(access=access_of(request), pk=pk, working=True)
    today = timezone.localdate()
    rows = selectors.vaccinations_due(centre=centre, on=today)
    return render(
        request, "health/vaccinations.html", {"centre": centre, "rows": rows, "day": today}
    )


@coop_permission("health.view_centre")
def centre_growth(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    centre = care_selectors.centre_get(access=access_of(request), pk=pk, working=True)
    alerts = selectors.growth_alerts(centre=centre, on=timezone.localdate())
    return render(request, "health/growth.html", {"centre": centre, "alerts": alerts})


@coop_permission("health.record")
def centre_meals(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    """Tick the meals each child had today; the month's counts for reports."""
    centre = care_selectors.centre_get(access=access_of(request), pk=pk, working=True)
    day = day_param(request, "date")
    children = [
        e.child for e in care_selectors.active_enrolments(centre, day).select_related("child")
    ]
    if request.method == "POST":
        served = {
            c.pk: {m for m in Meal.values if request.POST.get(f"{c.pk}-{m}")} for c in children
        }
        try:
            count = services.meals_record(
                centre=centre, by=access_of(request).user, date=day, served=served
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s meals recorded.") % {"n": count})
            return redirect(
                f"{reverse('health:meals', kwargs={'coop': coop, 'pk': pk})}?date={day}"
            )
    ticked = set(MealServed.objects.filter(centre=centre, date=day).values_list("child_id", "meal"))
    first = day.replace(day=1)
    last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    counts = selectors.meal_counts(centre=centre, first=first, last=last)
    context = {
        "centre": centre,
        "day": day,
        "meals": Meal.choices,
        "rows": [(c, [(m, (c.pk, m) in ticked) for m, _label in Meal.choices]) for c in children],
        "month_counts": [(label, counts.get(m, 0)) for m, label in Meal.choices],
    }
    return render(request, "health/meals.html", context)
