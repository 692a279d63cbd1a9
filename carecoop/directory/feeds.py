"""The open feeds of the published cooperatives and centres: Open Referral HSDS 3.0 (the API's
objects and the tabular data package), schema.org JSON-LD for the pages, Murmurations profiles,
and the map's GeoJSON and outline. Each is built from ``selectors``: what a cooperative chose to
publish, and nothing of a person.

HSDS ids are stable: uuid5 of the installation's address and the page's path, so a harvester
sees the same centre under the same id from one harvest to the next."""

import csv
import datetime
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from carecoop.core.money import to_decimal
from carecoop.directory.selectors import (
    Hours,
    MapPoint,
    PublicCentre,
    PublicProfile,
    place_range_low,
)

HSDS_VERSION = "3.0"
PROFILE_PATH = "/hsds/profile.json"
SCHEMAS = Path(settings.BASE_DIR) / "carecoop" / "harvest" / "schemas"
DAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
SCHEMA_DAYS = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}
PLACES_TEXT = {
    "waitlist": "No place free: waitlist",
    "1-5": "1 to 5 places free",
    "6-20": "6 to 20 places free",
    "21+": "More than 20 places free",
}


def stable_id(base: str, path: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base + path))


def _time(t: datetime.time) -> str:
    return t.strftime("%H:%M")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# HSDS 3.0 --------------------------------------------------------------------------------------


def hsds_organization(
    profile: PublicProfile, base: str, *, services: bool = False
) -> dict[str, Any]:
    """The cooperative as an HSDS organization."""
    org: dict[str, Any] = {
        "id": stable_id(base, profile.path),
        "name": profile.name,
        "description": profile.description or profile.name,
        "website": profile.website or base + profile.path,
        "uri": base + profile.path,
        "legal_status": "cooperative",
    }
    if profile.email:
        org["email"] = profile.email
    if profile.founded:
        org["year_incorporated"] = profile.founded
    org["attributes"] = [
        _attribute(org["id"], "organization", "cooperative_type", value)
        for value in [profile.ilo_type]
        if value
    ]
    if services:
        org["services"] = [hsds_service(profile, c, base, nested=False) for c in profile.centres]
    return org


def _attribute(link_id: str, link_type: str, code: str, value: str) -> dict[str, Any]:
    """An HSDS attribute in the profile's own taxonomy (``PROFILE_PATH``)."""
    term = stable_id("carecoop:", f"{code}:{value}")
    return {
        "id": stable_id("carecoop:", f"{link_id}:{code}:{value}"),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_type,
        "value": value,
        "taxonomy_term_id": term,
        "taxonomy_term": {
            "id": term,
            "code": code,
            "name": value,
            "description": code.replace("_", " "),
            "taxonomy": "carecoop-care-cooperatives",
        },
    }


def _schedules(hours: Sequence[Hours], ids: str, **link: str) -> list[dict[str, Any]]:
    found = []
    for h in hours:
        schedule: dict[str, Any] = {
            "id": stable_id(ids, f"#schedule-{h.weekday or 0}"),
            **link,
            "opens_at": _time(h.opens),
            "closes_at": _time(h.closes),
            "attending_type": "in_person",
        }
        if h.weekday:
            schedule |= {"freq": "WEEKLY", "wkst": "MO", "byday": DAYS[h.weekday]}
        else:
            schedule["description"] = "Open on the days the centre opens; the days are not given."
        found.append(schedule)
    return found


def hsds_service(
    profile: PublicProfile, centre: PublicCentre, base: str, *, nested: bool = True
) -> dict[str, Any]:
    """A centre as a full HSDS 3.0 service, with its organization (when ``nested``), its
    location, schedules, cost options and (HSDS 3.1) capacity."""
    page = base + centre.path
    service_id = stable_id(base, centre.path + "#service")
    location_id = stable_id(base, centre.path + "#location")
    org_id = stable_id(base, profile.path)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": org_id,
        "name": centre.name,
        "description": f"{centre.name} ({profile.name})",
        "url": page,
        "status": "active",
        "languages": [
            {
                "id": stable_id(base, f"{centre.path}#language-{code}"),
                "service_id": service_id,
                "code": code,
            }
            for code in profile.languages
        ],
        "attributes": [
            _attribute(service_id, "service", "care_service", code) for code in centre.services
        ],
    }
    if centre.ages:
        # Ages in months (the profile): HSDS leaves the unit to the publisher.
        service["minimum_age"], service["maximum_age"] = centre.ages
        service["eligibility_description"] = (
            f"Children aged {centre.ages[0]} to {centre.ages[1]} months."
        )
    hours = centre.hours or []
    service["schedules"] = _schedules(hours, base + centre.path + "#service", service_id=service_id)
    service["cost_options"] = [
        {
            "id": stable_id(base, f"{centre.path}#fee-{fee.category}"),
            "service_id": service_id,
            "option": fee.category,
            "currency": fee.currency,
            "amount": float(to_decimal(fee.amount_minor, fee.currency)),
            "amount_description": "per child per month",
        }
        for fee in centre.fees or []
    ]
    if centre.places is not None:
        service["capacities"] = [
            {
                "id": stable_id(base, centre.path + "#capacity"),
                "service_id": service_id,
                "unit": {
                    "id": stable_id("carecoop:", "unit:place"),
                    "name": "Child care place",
                },
                "available": place_range_low(centre.places),
                "maximum": centre.capacity,
                "description": PLACES_TEXT[centre.places],
                # Places free are counted for the day: the figure is as of its start, the same
                # in every request of the day (a harvester sees no change where there is none).
                "updated": timezone.make_aware(
                    datetime.datetime.combine(timezone.localdate(), datetime.time())
                ).isoformat(),
            }
        ]
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": org_id,
        "name": centre.name,
        "url": page,
        "addresses": [
            {
                "id": stable_id(base, centre.path + "#address"),
                "location_id": location_id,
                "address_1": centre.address or centre.city or "-",
                "city": centre.city or "-",
                "state_province": "-",
                "postal_code": "-",
                "country": centre.country,
                "address_type": "physical",
            }
        ],
        "schedules": _schedules(hours, base + centre.path + "#location", location_id=location_id),
    }
    if centre.latitude is not None and centre.longitude is not None:
        location["latitude"], location["longitude"] = (
            float(centre.latitude),
            float(centre.longitude),
        )
    service["service_at_locations"] = [
        {
            "id": stable_id(base, centre.path + "#service-at-location"),
            "service_id": service_id,
            "location_id": location_id,
            "location": location,
        }
    ]
    if nested:
        service["organization"] = hsds_organization(profile, base)
    return service


def hsds_services(profiles: Iterable[PublicProfile], base: str) -> list[dict[str, Any]]:
    return [hsds_service(p, c, base) for p in profiles for c in p.centres]


def page_of(items: Sequence[Any], *, page: int, per_page: int, total: int) -> dict[str, Any]:
    """The HSDS API's Page object of the page's items (``page`` within the pages there are)."""
    total_pages = max(1, -(-total // per_page))
    contents = list(items)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page == total_pages,
        "empty": not contents,
        "contents": contents,
    }


def hsds_profile(base: str) -> dict[str, Any]:
    """The care-cooperative profile of HSDS: the conventions these feeds follow beyond HSDS 3.0."""
    return {
        "name": "carecoop care cooperatives",
        "url": base + PROFILE_PATH,
        "hsds_version": HSDS_VERSION,
        "description": (
            "Child care run by cooperatives of informal-economy workers: each cooperative is an "
            "organization, each of its centres a service at one location."
        ),
        "conventions": {
            "organization.attributes": (
                "cooperative_type: the ILO type by members' interest (producer, worker, user, "
                "multi_stakeholder), 20th ICLS guidelines on statistics of cooperatives (2018)."
            ),
            "service.attributes": (
                "care_service: day_care, preschool, primary, after_school, health "
                "(health and nutrition access point)."
            ),
            "service.minimum_age, service.maximum_age": "In months, not years.",
            "service.capacities": (
                "HSDS 3.1's service capacity, unit 'Child care place'. 'available' is the lower "
                "bound of a published range, never a count: 0 = no place free (waitlist), "
                "1 = 1 to 5, 6 = 6 to 20, 21 = more than 20; 'description' says the range. "
                "'maximum' is the licensed number of places."
            ),
            "service.schedules": (
                "Weekly opening hours, one schedule a weekday (freq WEEKLY, byday); a schedule "
                "without byday gives the daily hours without the days."
            ),
            "service.cost_options": "The monthly fee per child of each fee category.",
            "location.latitude, location.longitude": (
                "Exact (4 decimals) or only the neighbourhood (2 decimals, about 1 km), as the "
                "cooperative chose; absent when it chose to hide the location."
            ),
            "address": (
                "HSDS requires address_1, city, state_province and postal_code: '-' stands for "
                "one not recorded or not published (a location shown only to the neighbourhood "
                "gives its city as address_1)."
            ),
            "ids": "uuid5 of the URL of the public page of the cooperative or centre; stable.",
        },
        "schemas": {
            "service": "https://github.com/openreferral/specification/blob/3.0/schema/compiled/service.json",
            "service_capacity": (
                "https://github.com/openreferral/specification/blob/3.1-dev/schema/service_capacity.json"
            ),
        },
    }


# The tabular data package ---------------------------------------------------------------------


def _tabular_tables() -> dict[str, list[str]]:
    """Each HSDS table and its columns, as the HSDS tabular schema lists them."""
    tabular = json.loads((SCHEMAS / "hsds" / "tabular.json").read_text())
    return {
        name: [
            field
            for field, spec in prop["items"]["properties"].items()
            if spec.get("type") not in ("array", "object")
        ]
        for name, prop in tabular["properties"].items()
    }


def _tabular_rows(services: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, dict[str, dict[str, Any]]] = {
        t: {}
        for t in (
            "organization",
            "service",
            "location",
            "address",
            "service_at_location",
            "schedule",
            "cost_option",
            "language",
        )
    }

    def keep(table: str, row: dict[str, Any]) -> None:
        rows[table].setdefault(row["id"], row)

    for s in services:
        keep("organization", s["organization"])
        keep("service", s)
        for lang in s["languages"]:
            keep("language", lang)
        for sched in s["schedules"]:
            keep("schedule", sched)
        for cost in s["cost_options"]:
            keep("cost_option", cost)
        for sal in s["service_at_locations"]:
            keep("service_at_location", sal)
            keep("location", sal["location"])
            for address in sal["location"]["addresses"]:
                keep("address", address)
            for sched in sal["location"]["schedules"]:
                keep("schedule", sched)
    return {t: list(found.values()) for t, found in rows.items()}


def tabular_package(services: Sequence[dict[str, Any]], base: str) -> bytes:
    """The feed as HSDS's tabular data package: a CSV per table and ``datapackage.json``."""
    columns = _tabular_tables()
    tables = _tabular_rows(services)
    tabular = json.loads((SCHEMAS / "hsds" / "tabular.json").read_text())["properties"]
    resources = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, found in tables.items():
            path = tabular[table]["items"]["path"]
            fields = columns[table]
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(fields)
            for row in found:
                writer.writerow(["" if row.get(f) is None else row.get(f) for f in fields])
            archive.writestr(path, text.getvalue())
            types = tabular[table]["items"]["properties"]
            resources.append(
                {
                    "name": table,
                    "path": path,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "fields": [
                            {"name": f, "type": _frictionless_type(types[f].get("type", "string"))}
                            for f in fields
                        ]
                    },
                }
            )
        package = {
            "profile": "tabular-data-package",
            "name": "hsds-care-cooperatives",
            "title": "Care cooperatives and their centres (Open Referral HSDS 3.0)",
            "homepage": base + "/hsds/",
            "created": timezone.now().replace(microsecond=0).isoformat(),
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
    return buffer.getvalue()


def _frictionless_type(kind: str) -> str:
    return {"number": "number", "integer": "integer", "boolean": "boolean"}.get(kind, "string")


# schema.org JSON-LD ----------------------------------------------------------------------------


def _opening_hours(hours: Sequence[Hours] | None) -> list[dict[str, Any]]:
    if not hours:
        return []
    return [
        {
            "@type": "OpeningHoursSpecification",
            **({"dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[h.weekday]}"} if h.weekday else {}),
            "opens": _time(h.opens),
            "closes": _time(h.closes),
        }
        for h in hours
    ]


def centre_ld(profile: PublicProfile, centre: PublicCentre, base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "ChildCare",
        "@id": base + centre.path,
        "url": base + centre.path,
        "name": centre.name,
        "parentOrganization": {"@id": base + profile.path},
        "address": {
            "@type": "PostalAddress",
            "addressCountry": centre.country,
            **({"addressLocality": centre.city} if centre.city else {}),
            **({"streetAddress": centre.address} if centre.address else {}),
        },
    }
    if centre.latitude is not None and centre.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(centre.latitude),
            "longitude": float(centre.longitude),
        }
    if centre.hours:
        data["openingHoursSpecification"] = _opening_hours(centre.hours)
    if centre.fees:
        data["makesOffer"] = [
            {
                "@type": "Offer",
                "name": fee.category,
                "priceSpecification": {
                    "@type": "UnitPriceSpecification",
                    "price": str(to_decimal(fee.amount_minor, fee.currency)),
                    "priceCurrency": fee.currency,
                    "unitText": "MON",
                },
            }
            for fee in centre.fees
        ]
    return data


def organisation_ld(profile: PublicProfile, base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Organization",
        "@id": base + profile.path,
        "url": profile.website or base + profile.path,
        "name": profile.name,
        "address": {
            "@type": "PostalAddress",
            "addressCountry": profile.country,
            **({"addressLocality": profile.city} if profile.city else {}),
        },
    }
    if profile.description:
        data["description"] = profile.description
    if profile.founded:
        data["foundingDate"] = str(profile.founded)
    if profile.email:
        data["email"] = profile.email
    if profile.languages:
        data["knowsLanguage"] = profile.languages
    if profile.federations:
        data["memberOf"] = [{"@type": "Organization", "name": n} for n in profile.federations]
    return data


def json_ld(*items: dict[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` body: a graph of the items, with ``<`` escaped
    so that no text closes the script."""
    graph = {"@context": "https://schema.org", "@graph": list(items)}
    return json.dumps(graph, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


# Murmurations ----------------------------------------------------------------------------------


def murmurations(profile: PublicProfile, base: str) -> dict[str, Any]:
    """The cooperative's profile for the Murmurations index (organizations_schema-v1.0.0)."""
    data: dict[str, Any] = {
        "linked_schemas": ["organizations_schema-v1.0.0"],
        "name": profile.name,
        "primary_url": profile.website or base + profile.path,
        "tags": ["care cooperative", "child care", *profile.services],
        "urls": [{"name": "carecoop", "url": base + profile.path}],
        "country_iso_3166": profile.country,
        "status": "active",
    }
    if profile.description:
        data["description"] = profile.description
    if profile.city:
        data["locality"] = profile.city
    if profile.ilo_type:
        data["tags"].append(f"{profile.ilo_type} cooperative")
    located = next((c for c in profile.centres if c.latitude is not None), None)
    if located is not None:
        data["geolocation"] = {
            "lat": float(located.latitude or 0),
            "lon": float(located.longitude or 0),
        }
    if profile.email:
        data["contact_details"] = {"email": profile.email}
    data["tags"] = list(dict.fromkeys(data["tags"]))
    return data


# The map ---------------------------------------------------------------------------------------


# A centre of another installation is drawn in another colour.
ELSEWHERE_FILL = ' fill="#36c"'


def _elsewhere(point: MapPoint) -> dict[str, Any]:
    """A point of another installation says so: the feed it came from, when last seen."""
    if not point.source:
        return {}
    seen = point.last_seen.isoformat(timespec="seconds") if point.last_seen else None
    return {"source": point.source, "last_seen": seen}


def geojson(points: Iterable[MapPoint]) -> bytes:
    """The map's points as a GeoJSON FeatureCollection, compact (3,000 centres in well under
    100 KB compressed)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
            "properties": {"name": p.name, "coop": p.coop, "url": p.url, **_elsewhere(p)},
        }
        for p in points
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def outline_svg(points: Sequence[MapPoint]) -> str:
    """The points over a drawn graticule (every 30 degrees, finer when the points are close),
    in an equirectangular projection: the map without tiles, drawn by the server."""
    if points:
        lons = [float(p.longitude) for p in points]
        lats = [float(p.latitude) for p in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        pad = max(2.0, (east - west) * 0.1, (north - south) * 0.1)
        west, east = max(-180.0, west - pad), min(180.0, east + pad)
        south, north = max(-90.0, south - pad), min(90.0, north + pad)
    else:
        west, east, south, north = -180.0, 180.0, -60.0, 75.0
    width, height = 360.0, max(120.0, min(360.0, 360.0 * (north - south) / (east - west)))
    step = next(s for s in (30, 10, 5, 1) if (east - west) / s >= 4 or s == 1)

    def x(lon: float) -> float:
        return round((lon - west) / (east - west) * width, 1)

    def y(lat: float) -> float:
        return round((north - lat) / (north - south) * height, 1)

    lines = []
    lon = -180
    while lon <= 180:
        if west <= lon <= east:
            lines.append(f"M{x(lon)} 0V{height}")
        lon += step
    lat = -90
    while lat <= 90:
        if south <= lat <= north:
            lines.append(f"M0 {y(lat)}H{width}")
        lat += step
    dots = "".join(
        f'<circle cx="{x(float(p.longitude))}" cy="{y(float(p.latitude))}" r="3"'
        f"{ELSEWHERE_FILL if p.source else ''}>"
        f"<title>{escape(p.name)}</title></circle>"
        for p in points
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
        f'<rect width="{width}" height="{height}" fill="#eef4f7"/>'
        f'<path d="{"".join(lines)}" stroke="#9bb" stroke-width=".5" fill="none"/>'
        f'<g fill="#b33" stroke="#fff" stroke-width=".8">{dots}</g></svg>'
    )
