from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language
from django_scopes import scopes_disabled

from carecoop.core.permissions import access_of, coop_permission, public
from carecoop.core.views import form_page
from carecoop.directory import feeds, selectors, services
from carecoop.directory.forms import CentreListingForm, FilterForm, ListingForm
from carecoop.tenancy.models import Centre

JSON_LD = "application/ld+json"


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@public
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/landing.html", {"cooperatives": selectors.public_directory()})


set_language = public(django_set_language)


def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.Filters]:
    """The filters asked for; one given wrongly is shown with its message and left out."""
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    return form, selectors.Filters(
        country=data.get("country") or "",
        service=data.get("service") or "",
        age_months=data.get("age"),
        open_at=data.get("open_at"),
    )


def _params(form: FilterForm) -> str:
    return urlencode({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})


@public
def directory(request: HttpRequest) -> HttpResponse:
    """The list of published centres beside the map, filtered; it works without the map."""
    form, filters = _filters(request)
    with scopes_disabled():
        page = Paginator(selectors.listings(filters), settings.CARECOOP_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        found = selectors.centres(page.object_list)
    others = Paginator(selectors.elsewhere(filters), settings.CARECOOP_PAGE_SIZE).get_page(
        request.GET.get("elsewhere")
    )
    params = _params(form)
    tiles = settings.CARECOOP_MAP_TILES
    response = render(
        request,
        "directory/directory.html",
        {
            "form": form,
            "page": page,
            "centres": found,
            "others": others,
            "other_centres": selectors.elsewhere_points(others.object_list),
            "params": params,
            "tiles": tiles,
            "attribution": settings.CARECOOP_MAP_ATTRIBUTION,
        },
    )
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        origin = f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.")
        # Leaflet blanks a tile it lets go of with an empty image written as a data: URL.
        response._csp_update = {"img-src": ["'self'", "data:", origin]}  # type: ignore[attr-defined]
    return response


@public
def map_geojson(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    return HttpResponse(
        feeds.geojson(selectors.map_points(filters)), content_type="application/geo+json"
    )


@public
def map_svg(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    return HttpResponse(
        feeds.outline_svg(selectors.map_points(filters)), content_type="image/svg+xml"
    )


@public
def cooperative(request: HttpRequest, coop: str) -> HttpResponse:
    profile = selectors.public_profile(slug=coop)
    if profile is None:
        raise Http404
    base = _base(request)
    ld = feeds.json_ld(
        feeds.organisation_ld(profile, base),
        *(feeds.centre_ld(profile, c, base) for c in profile.centres),
    )
    return render(
        request,
        "directory/cooperative.html",
        {"profile": profile, "ld": ld},
    )


@public
def centre(request: HttpRequest, coop: str, code: str) -> HttpResponse:
    profile = selectors.public_profile(slug=coop)
    found = next((c for c in profile.centres if c.code == code), None) if profile else None
    if profile is None or found is None:
        raise Http404
    base = _base(request)
    ld = feeds.json_ld(feeds.centre_ld(profile, found, base), feeds.organisation_ld(profile, base))
    return render(
        request,
        "directory/centre.html",
        {"profile": profile, "centre": found, "ld": ld},
    )


# The open feeds ---------------------------------------------------------------------------------


def _json(data: Any) -> JsonResponse:
    return JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})


def _page_params(request: HttpRequest) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        try:
            return int(request.GET.get(name, default))
        except ValueError:
            return default

    return max(1, number("page", 1)), min(max(1, number("per_page", 50)), 200)


@public
def hsds_root(request: HttpRequest) -> JsonResponse:
    base = _base(request)
    return _json(
        {
            "version": feeds.HSDS_VERSION,
            "profile": base + feeds.PROFILE_PATH,
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        }
    )


@public
def hsds_profile(request: HttpRequest) -> JsonResponse:
    return _json(feeds.hsds_profile(_base(request)))


# Each feed builds only the page asked for: a harvester walks thousands of centres a page at a
# time, and a request costs the same whatever the directory's size.


@public
def hsds_services(request: HttpRequest) -> JsonResponse:
    page, per_page = _page_params(request)
    total, page, chosen = selectors.listings_page(page=page, per_page=per_page)
    items = feeds.hsds_services(selectors.profiles_of(chosen), _base(request))
    return _json(feeds.page_of(items, page=page, per_page=per_page, total=total))


@public
def hsds_service(request: HttpRequest, id: str) -> JsonResponse:
    base = _base(request)
    for pk, path in selectors.listing_paths():
        if feeds.stable_id(base, path + "#service") == str(id):
            chosen = selectors.listing(pk)
            return _json(feeds.hsds_services(selectors.profiles_of(chosen), base)[0])
    raise Http404


@public
def hsds_organizations(request: HttpRequest) -> JsonResponse:
    page, per_page = _page_params(request)
    base = _base(request)
    orgs = selectors.published().order_by("name", "pk")
    total, page, chosen = selectors.a_page(orgs, page=page, per_page=per_page)
    items = [
        feeds.hsds_organization(p, base, services=True) for p in selectors.public_profiles(chosen)
    ]
    return _json(feeds.page_of(items, page=page, per_page=per_page, total=total))


@public
def hsds_organization(request: HttpRequest, id: str) -> JsonResponse:
    base = _base(request)
    for slug in selectors.published().values_list("slug", flat=True):
        if feeds.stable_id(base, f"/d/{slug}/") == str(id):
            profile = selectors.public_profile(slug=slug)
            assert profile is not None
            return _json(feeds.hsds_organization(profile, base, services=True))
    raise Http404


@public
def hsds_package(request: HttpRequest) -> HttpResponse:
    base = _base(request)
    archive = feeds.tabular_package(feeds.hsds_services(selectors.public_profiles(), base), base)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="hsds-care-cooperatives.zip"'
    return response


@public
def murmurations(request: HttpRequest, coop: str) -> JsonResponse:
    profile = selectors.public_profile(slug=coop)
    if profile is None:
        raise Http404
    return _json(feeds.murmurations(profile, _base(request)))


# The cooperative's own choices -------------------------------------------------------------------


@coop_permission("directory.view", write="directory.manage")
def choices(request: HttpRequest, coop: str) -> HttpResponse:
    """The cooperative's public profile, each centre's choices, and a preview of what the public
    sees (even before the cooperative is public)."""
    access = access_of(request)
    org = access.org
    listing, chosen = selectors.choices_of(org)
    form = ListingForm(request.POST or None, instance=listing)
    centres = list(Centre.objects.filter(coop_id=org.pk).order_by("name"))
    preview = selectors.preview(org)
    return form_page(
        request,
        form,
        save=lambda data: services.listing_save(coop=org, by=request.user, **data),  # type: ignore[arg-type]
        done=_("The public profile is saved."),
        next_url=reverse("publish:choices", kwargs={"coop": coop}),
        template="directory/choices.html",
        context={
            "org": org,
            "centres": [(c, chosen.get(c.pk)) for c in centres],
            "preview": preview,
            "can_manage": access.can("directory.manage"),
        },
    )


@coop_permission("directory.view", write="directory.manage")
def centre_choices(request: HttpRequest, coop: str, pk: int) -> HttpResponse:
    access = access_of(request)
    found = get_object_or_404(Centre.objects.filter(coop_id=access.org.pk), pk=pk)
    _listing, chosen = selectors.choices_of(access.org)
    form = CentreListingForm(request.POST or None, instance=chosen.get(found.pk))
    return form_page(
        request,
        form,
        save=lambda data: services.centre_listing_save(centre=found, by=request.user, **data),  # type: ignore[arg-type]
        done=_("The centre's public listing is saved."),
        next_url=reverse("publish:choices", kwargs={"coop": coop}),
        template="form.html",
        context={"title": found.name, "can_manage": access.can("directory.manage")},
    )
