"""Loads the demonstration cooperatives through the same services the interface uses."""

import datetime
import random
from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from carecoop.care import services as care
from carecoop.care.models import Absence, Attendance, Room, SeatPool
from carecoop.core.types import Actor
from carecoop.demo import data, shipped
from carecoop.demo import directory as demo_directory
from carecoop.demo import governance as demo_governance
from carecoop.demo import health as demo_health
from carecoop.demo import money as demo_money
from carecoop.demo import protection as demo_protection
from carecoop.demo import staffing as demo_staffing
from carecoop.demo import surveys as demo_surveys
from carecoop.federation.services import statistics_count
from carecoop.members import services as members
from carecoop.members.models import GuardianRelation, MemberClass, Membership, Person, Sex
from carecoop.tenancy import services as tenancy
from carecoop.tenancy.models import Centre, Organisation


def demo_load(*, seed: int = 2026, only: Collection[str] | None = None) -> bool:
    """Create the demo organisations, people and sign-ins. Returns False if they already exist.
    ``only`` names the cooperatives to fill with people (the others are created empty)."""
    if Organisation.objects.filter(slug=data.COOPERATIVES[0]["slug"]).exists():
        return False
    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    with transaction.atomic():
        admin = User.objects.create_superuser("admin", "admin@example.org", data.PASSWORD)
        orgs: dict[str, Organisation] = {}
        for fields in data.COOPERATIVES + data.FEDERATIONS:
            orgs[fields["slug"]] = tenancy.organisation_create(**fields)
        for member, parent, started_on, shares in data.AFFILIATIONS:
            tenancy.affiliation_create(
                member=orgs[member], parent=orgs[parent], started_on=started_on, shares=shares
            )
        first_parent: dict[str, Person] = {}
        centres: dict[str, Centre] = {}
        for coop_fields in data.COOPERATIVES:
            coop = orgs[coop_fields["slug"]]
            if only is not None and coop.slug not in only:
                continue
            with scope(coop=coop.pk):
                first_parent[coop.slug] = _load_cooperative(coop, admin, rng, today, centres)
                _load_care(coop, admin, rng, today)
                demo_directory.load(coop, admin)
                demo_governance.load(coop, admin, rng, today)
                # Its own draws, so the records above stay as they are drawn.
                demo_surveys.load(coop, admin, random.Random(f"{seed}-{coop.slug}"), today)
                # Its own random generator, so the rows above stay the same.
                demo_protection.load(coop, admin, random.Random(f"protection-{coop.slug}"), today)
        for username, slug, role, extra in data.USERS:
            if slug in orgs and orgs[slug].kind == "cooperative" and slug not in first_parent:
                continue  # A cooperative left empty has no one to sign in.
            user = User.objects.filter(username=username).first() or User.objects.create_user(
                username, f"{username}@example.org", data.PASSWORD
            )
            tenancy.role_grant(
                user=user,
                org=orgs[slug],
                role=role,
                centres=[centres[c] for c in extra.get("centres", [])],
                person=first_parent.get(slug) if extra.get("person") else None,
            )
        # The federation pages show what the counting job last counted: count once now.
        statistics_count()
    return True


def _load_cooperative(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    centres: dict[str, Centre],
) -> Person:
    coop_centres = []
    for fields in data.CENTRES[coop.slug]:
        centre = Centre(coop=coop, **fields)
        centre.full_clean()
        centre.save()
        centres[centre.code] = centre
        coop_centres.append(centre)
    care_centres = [c for c in coop_centres if c.min_age_months < 12] or coop_centres
    classes = {
        fields["code"]: members.member_class_create(coop=coop, by=by, **fields)
        for fields in data.MEMBER_CLASSES[coop.slug]
    }
    names = data.NAMES[coop.slug]
    first_parent: Person | None = None
    number = 0
    for class_code, how_many, share_women, (fewest, most) in data.MEMBERSHIP_PLAN[coop.slug]:
        member_class = classes[class_code]
        for _i in range(how_many):
            number += 1
            membership = _register(
                coop, by, rng, today, names, member_class, number, share_women, care_centres
            )
            if membership is None:
                continue
            person = membership.person
            if first_parent is None and member_class.may_enrol_children and fewest > 0:
                first_parent = person
            for _c in range(rng.randint(fewest, most)):
                _add_child(by, rng, today, names, person)
            if member_class.may_vote:
                _work(by, rng, names, person, class_code)
        _vary_statuses(coop, by, rng, today, member_class)
    assert first_parent is not None
    return first_parent


def _register(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    names: dict[str, Any],
    member_class: MemberClass,
    number: int,
    share_women: float,
    centres: list[Centre],
) -> Membership | None:
    woman = rng.random() < share_women
    given = rng.choice(names["women"] if woman else names["men"])
    family = rng.choice(names["families"])
    born = today - datetime.timedelta(days=rng.randint(19 * 365, 52 * 365))
    applied = today - datetime.timedelta(days=rng.randint(40, 12 * 365))
    household = members.household_create(
        coop=coop, by=by, name=f"{given} {family}", centre=rng.choice(centres)
    )
    fields: dict[str, Any] = {
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": Sex.FEMALE if woman else Sex.MALE,
        "phone": names["phone"].format(rng.randint(0, 10**7 - 1)),
        "preferred_language": coop.language_list[0],
        "consent_given_on": applied,
        "consent_note": "Signed registration form",
    }
    if coop.country == "BR" and rng.random() < 0.04:
        fields["displacement_status"] = "refugee"
    try:
        with transaction.atomic():
            return members.member_register(
                coop=coop,
                by=by,
                member_class=member_class,
                applied_on=applied,
                admitted_on=applied + datetime.timedelta(days=rng.randint(7, 35)),
                number=str(number),
                household=household,
                household_relation="head",
                **fields,
            )
    except ValidationError:  # The same name and birth date drawn twice: draw another person.
        return None


def _add_child(
    by: Actor, rng: random.Random, today: datetime.date, names: dict[str, Any], parent: Person
) -> None:
    born = today - datetime.timedelta(days=rng.randint(60, 6 * 365))
    household = parent.household
    assert household is not None
    try:
        with transaction.atomic():
            members.dependant_add(
                household=household,
                by=by,
                guardians=[
                    (
                        parent,
                        GuardianRelation.MOTHER
                        if parent.sex == Sex.FEMALE
                        else GuardianRelation.FATHER,
                    )
                ],
                given_name=rng.choice(names["children"]),
                family_name=parent.family_name,
                date_of_birth=born,
                sex=rng.choice([Sex.FEMALE, Sex.MALE]),
            )
    except ValidationError:
        pass


def _work(
    by: Actor, rng: random.Random, names: dict[str, Any], person: Person, class_code: str
) -> None:
    status = "22" if class_code not in ("care-worker",) else rng.choice(["41", "43"])
    members.work_record_save(
        person=person,
        by=by,
        status_in_employment=status,
        occupation=names["occupation"][class_code],
        activity=names["activity"][class_code],
        registered_business="no" if status == "22" else "unknown",
        social_insurance="no",
        paid_annual_leave="no" if status == "43" else rng.choice(["yes", "no"]),
        paid_sick_leave="no",
        usual_days="123456",
        usual_start=datetime.time(rng.choice([6, 7, 8, 9]), 0),
        usual_end=datetime.time(rng.choice([16, 17, 18, 20]), 0),
        income_minor=rng.randint(3000, 9000) * 100,
        income_currency=person.coop.currency,
        income_period="month",
    )


def _vary_statuses(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    member_class: MemberClass,
) -> None:
    """A registry is never all active: a few applicants waiting, suspended and exited members."""
    memberships = list(
        Membership.objects.filter(member_class=member_class, status="active").order_by("pk")
    )
    rng.shuffle(memberships)
    for membership in memberships[:2]:
        members.membership_transition(
            membership=membership,
            by=by,
            to_status="suspended",
            effective_on=today - datetime.timedelta(days=20),
            reason=shipped.DUES_UNPAID,
        )
    for membership in memberships[2:4]:
        members.membership_transition(
            membership=membership,
            by=by,
            to_status="exited",
            effective_on=today - datetime.timedelta(days=10),
            reason=shipped.MOVED_AWAY,
        )
    for _i in range(3):
        names = data.NAMES[coop.slug]
        try:
            with transaction.atomic():
                members.member_register(
                    coop=coop,
                    by=by,
                    member_class=member_class,
                    applied_on=today - datetime.timedelta(days=rng.randint(1, 30)),
                    given_name=rng.choice(names["women"]),
                    family_name=rng.choice(names["families"]),
                    date_of_birth=today - datetime.timedelta(days=rng.randint(20 * 365, 40 * 365)),
                    sex=Sex.FEMALE,
                    phone=names["phone"].format(rng.randint(0, 10**7 - 1)),
                )
        except ValidationError:
            pass


def _prefix(code: str) -> str:
    return "ahd" if code.startswith("ahd-") else code


def _load_care(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> None:
    """Rooms, pools, priorities, hours and closures; children enrolled where a room fits them,
    on the waitlist where none does; and three months of attendance."""
    classes = {c.code: c for c in MemberClass.objects.filter(coop=coop)}
    for centre in Centre.objects.filter(coop=coop):
        key = _prefix(centre.code)
        for name, youngest, oldest, places in data.ROOMS[key]:
            care.room_create(
                centre=centre,
                by=by,
                name=name,
                min_age_months=youngest,
                max_age_months=oldest,
                capacity=places,
            )
        for pool_name, pool_places, class_codes, release in data.POOLS[key]:
            care.pool_create(
                centre=centre,
                by=by,
                name=pool_name,
                places=pool_places or centre.licensed_capacity,
                member_classes=[classes[c] for c in class_codes],
                release_on=today + datetime.timedelta(days=release) if release else None,
            )
        care.priority_set(centre=centre, by=by, points=data.PRIORITY)
        for weekday, opens, closes in data.HOURS.get(key, []):
            care.opening_hours_set(
                centre=centre, by=by, weekday=weekday, opens_at=opens, closes_at=closes
            )
        starts_on, ends_on, reason = data.closure_dates(key, today)
        care.closure_add(centre=centre, by=by, starts_on=starts_on, ends_on=ends_on, reason=reason)
        _enrol_children(centre, by, rng, today)
        demo_health.load(centre, by, rng, today)
    # Its own random generator, so the people above stay the same whatever staffing draws.
    demo_staffing.load(coop, by, random.Random(f"staff-{coop.slug}"), today)
    demo_money.load(coop, by, random.Random(f"money-{coop.slug}"), today)


def _enrolment_order(
    children: list[Person], today: datetime.date
) -> list[tuple[Person, datetime.date]]:
    """The children with the day each would start (three months ago, or at two months old),
    earliest first. Enrolled in this order, each place is checked on a day when every earlier
    enrolment already counts, so no room, pool or licence is over its places on any later day."""
    starts = [
        (
            child,
            max(
                today - datetime.timedelta(days=90),
                child.date_of_birth + datetime.timedelta(days=62),
            ),
        )
        for child in children
        if child.date_of_birth is not None
    ]
    return sorted(starts, key=lambda pair: (pair[1], pair[0].pk))


def _enrol_children(centre: Centre, by: Actor, rng: random.Random, today: datetime.date) -> None:
    rooms = list(Room.objects.filter(centre=centre))
    pools = list(SeatPool.objects.filter(centre=centre).prefetch_related("member_classes"))
    children = Person.objects.filter(
        household__centre=centre, household_relation="child"
    ).select_related("household")
    attendance = []
    for child, starts_on in _enrolment_order(list(children.order_by("pk")), today):
        assert child.date_of_birth is not None
        age = care.age_in_months(child.date_of_birth, starts_on)
        room = next((r for r in rooms if r.min_age_months <= age <= r.max_age_months), None)
        guardian_classes = set(
            Membership.objects.filter(person__wards__child=child, status="active").values_list(
                "member_class_id", flat=True
            )
        )
        pool = next(
            (p for p in pools if {c.pk for c in p.member_classes.all()} & guardian_classes),
            None,
        ) or next((p for p in pools if not p.member_classes.all()), None)
        enrolment = None
        if room is not None and pool is not None:
            try:
                with transaction.atomic():
                    enrolment = care.enrolment_create(
                        child=child, room=room, pool=pool, starts_on=starts_on, by=by
                    )
            except ValidationError:
                enrolment = None
        if enrolment is None:
            try:
                with transaction.atomic():
                    care.application_submit(
                        child=child,
                        centre=centre,
                        by=by,
                        applied_on=today - datetime.timedelta(days=rng.randint(5, 200)),
                        wanted_from=max(today, child.date_of_birth + datetime.timedelta(days=62)),
                        single_working_parent=rng.random() < 0.2,
                    )
            except ValidationError:
                pass
            continue
        guardian = child.guardianships.select_related("guardian").first()
        collector = guardian.guardian.full_name if guardian else ""
        day = starts_on
        while day < today:
            if day.isoweekday() <= 5:
                if rng.random() < 0.86:
                    attendance.append(
                        Attendance(
                            coop_id=centre.coop_id,
                            child=child,
                            centre=centre,
                            date=day,
                            checked_in_at=datetime.time(centre.opens_at.hour, rng.randint(0, 40)),
                            brought_by=collector,
                            checked_out_at=datetime.time(
                                centre.closes_at.hour - 1, rng.randint(0, 59)
                            ),
                            collected_by=collector,
                            recorded_by=by,
                        )
                    )
                else:
                    attendance.append(
                        Attendance(
                            coop_id=centre.coop_id,
                            child=child,
                            centre=centre,
                            date=day,
                            absence=rng.choice(Absence.values),
                            recorded_by=by,
                        )
                    )
            day += datetime.timedelta(days=1)
    # Three months of history at once: the registers of the past, entered in bulk.
    Attendance.objects.bulk_create(attendance, batch_size=2000)
