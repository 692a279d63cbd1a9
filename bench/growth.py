"""Budget: no page grows with a cooperative's rows.

The demonstration's largest cooperative (Shakti creches: about 290 members, 13 centres, three
months of attendance, invoices, share capital and an elected board) is loaded through the
services, with the few kinds of rows the demonstration lacks (check-ins, a bank statement,
bookings, collectors, care profiles, qualifications) added the same way. Every URL pattern is
visited as its manager, GET, with the ids of the cooperative's own rows; then the people and
everything that comes with them (households, children, memberships, enrolments, attendance,
invoices, payments, the books, staff, rosters, health records, share subscriptions and
certificates, a meeting's attendees and voting codes, ...) are copied nine times in SQL, with
every key and unique number moved, and every page is visited again at ten times the rows. The
cooperative's structure stays as it is: its centres and rooms, member and share classes, bodies,
meetings and questions, fee schedules, funders and grants.

Each page's budget, printed on its row:
- its status is the same at both sizes and is not an error (5xx, or 403/404 for a page of the
  manager's own cooperative);
- its gzip-compressed body at 10x is at most 10 % + 1 KB larger than at 1x. A page that shows a
  page of rows stays within this (the ids, numbers and totals get a digit or two longer); a list
  that grows with its rows passes it within a few rows, since ten times the rows is at least
  nine times the bytes of that list;
- it runs no more queries at 10x than at 1x: a query per row shows at once.

One kind of page is measured differently: a centre's registers for a day (attendance, the
register, meals) show one row per child of that centre, and the copy puts ten times the children
into the same centres, which no licensed centre could hold. Their rows are bounded by the centre's
places, not by the cooperative's size, so their budget is to grow no faster than the children in
the centre (at most ten times the bytes, plus 10 % and 1 KB) and to run no more queries.

A file a page offers to download (a register as CSV or XLSX, the cooperative's archive: sent as
an attachment) is every row by its nature: its budget is to grow no faster than the rows (at most
ten times the bytes, plus 10 % and 1 KB) and to run no more queries at ten times the rows.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one (a database of its
own is created and dropped). Exits non-zero when any budget is exceeded.
"""

import datetime
import gzip
import re
import sys
import time
from contextlib import suppress
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from harness import drop_database, fresh_database

NAME = "carecoop_bench_growth"
COOP = "shakti-creches"
NETWORK = "care-coop-network"
MANAGER = "manager.shakti"
MEMBER = "member.shakti"
FACTOR = 10
SIZE_SHARE = 0.10
SIZE_BYTES = 1024
QUERY_SLACK = 0

# The rows that come with people, copied to grow the cooperative, in an order where every
# model comes after the models it points to.
GROWS = [
    "members.Household",
    "members.Person",
    "members.Membership",
    "members.StatusChange",
    "members.Guardianship",
    "members.WorkRecord",
    "protection.SchemeStep",
    "care.ChildProfile",
    "care.AuthorisedCollector",
    "care.Application",
    "care.Enrolment",
    "care.Booking",
    "care.Attendance",
    "ledger.Entry",
    "ledger.Line",
    "governance.Attendee",
    "governance.VoterCode",
    "governance.BallotEntry",
    "capital.Subscription",
    "capital.Payment",
    "capital.Transfer",
    "capital.Redemption",
    "capital.Certificate",
    "billing.Invoice",
    "billing.InvoiceLine",
    "billing.WaiverApplication",
    "billing.Waiver",
    "billing.Payment",
    "billing.Reminder",
    "staffing.Staff",
    "staffing.Qualification",
    "staffing.TrainingAttendance",
    "staffing.RosterEntry",
    "staffing.CheckIn",
    "health.Measurement",
    "health.VaccinationRecord",
    "health.MealServed",
    "health.Referral",
]


# The address of each register's import, by the register's name (most particular first).
IMPORTS = {
    "children": "members/children/import",
    "members": "members/import",
    "staff": "staff/import",
    "rooms": "centres/rooms/import",
    "collectors": "centres/collectors/import",
    "centres": "centres/import",
    "capital": "capital/import",
    "opening-balances": "ledger/opening-balances/import",
}


def load() -> Any:
    """The demonstration's cooperative, and the rows of the kinds it has none of."""
    from django.contrib.auth import get_user_model

    from carecoop.api.services import token_create
    from carecoop.billing import services as billing
    from carecoop.care import services as care
    from carecoop.care.models import Enrolment
    from carecoop.core.permissions import Access
    from carecoop.demo.services import demo_load
    from carecoop.governance import services as governance
    from carecoop.governance.models import Meeting
    from carecoop.members import services as members
    from carecoop.members.models import MemberClass, Membership
    from carecoop.staffing import services as staffing
    from carecoop.staffing.models import CheckIn, Staff
    from carecoop.tenancy.models import Organisation
    from carecoop.tenancy.services import role_grant

    demo_load(only={COOP})
    coop = Organisation.objects.get(slug=COOP)
    manager = get_user_model().objects.get(username=MANAGER)
    # The federation's pages are the network's; the manager reads them as its analyst, and sets
    # up its affiliates as its manager.
    network = Organisation.objects.get(slug=NETWORK)
    role_grant(user=manager, org=network, role="analyst")
    role_grant(user=manager, org=network, role="manager")
    today = timezone.localdate()
    with scope(coop=coop.pk):
        enrolments = Enrolment.objects.filter(ends_on__isnull=True).select_related("child")
        for i, enrolment in enumerate(enrolments.order_by("pk")[:40]):
            child = enrolment.child
            care.child_profile_save(child=child, by=manager, allergies="Peanuts" if i % 3 else "")
            care.collector_add(
                child=child, by=manager, name=f"Collector {i}", relation="aunt", phone="+91 1"
            )
            day = today + datetime.timedelta(days=1 + i % 5)
            with suppress(ValidationError):  # A day the centre is closed: no booking.
                care.booking_set(enrolment=enrolment, by=manager, date=day)
        # The demo's staff who have arrived by this hour are here already; the others arrive now.
        here = CheckIn.objects.filter(date=today).values("staff_id")
        for i, staff in enumerate(Staff.objects.exclude(pk__in=here).order_by("pk")[:20]):
            staffing.qualification_add(
                staff=staff,
                by=manager,
                name="First aid",
                obtained_on=today - datetime.timedelta(days=400 + i),
                expires_on=today + datetime.timedelta(days=300 + i),
            )
            staffing.checkin_record(staff=staff, by=manager, date=today, in_at=datetime.time(8))
        # A motion decided by paper ballot, so the tellers' count page has a question.
        upcoming = Meeting.objects.order_by("-first_call_at").first()
        governance.motion_create(
            meeting=upcoming, by=manager, title="Adopt the accounts", method="paper"
        )
        lines = "".join(f"{today.isoformat()},R{i},{100 + i}.00,Payer {i}\n" for i in range(30))
        billing.statement_import(
            coop=coop,
            by=manager,
            provider="Bank",
            file_name="statement.csv",
            content="date,reference,amount,payer\n" + lines,
        )
        # A member register file kept for its import: the preview page reads it again.
        code = MemberClass.objects.order_by("pk").values_list("code", flat=True).first()
        rows = "".join(f"N-{i},Newcomer {i},,{code},{today.isoformat()}\n" for i in range(30))
        plan, kept = members.members_upload(
            coop=coop,
            by=manager,
            name="register.csv",
            content=("reference,given name,family name,member class,applied on\n" + rows).encode(),
        )
        assert kept is not None, plan.problems[:3]
        # And a children's register file, the children of thirty members.
        numbers = Membership.objects.order_by("pk").values_list("number", flat=True)[:30]
        rows = "".join(
            f"K-{i},Child {i},,2024-01-01,{number},mother\n" for i, number in enumerate(numbers)
        )
        plan, kept = members.children_upload(
            coop=coop,
            by=manager,
            name="children.csv",
            content=(
                "reference,given name,family name,date of birth,parent reference,relation\n" + rows
            ).encode(),
        )
        assert kept is not None, plan.problems[:3]
        _register_files(coop, manager, today)
        # A payment provider and an API token (their pages list them).
        billing.provider_add(coop=coop, by=manager, name="upi-pay", method="mobile")
        token_create(
            access=Access(user=manager, org=coop, roles=frozenset({"manager"})), name="survey"
        )
    return coop, manager


def grow(coop: Any, factor: int) -> int:
    """Copy the cooperative's rows of ``GROWS`` ``factor - 1`` times, in one INSERT ... SELECT
    a model; every copy's id, its keys to copied rows and its unique numbers are moved. Returns
    the number of rows written."""
    grown = [apps.get_model(label) for label in GROWS]
    quote = connection.ops.quote_name
    with scopes_disabled(), connection.cursor() as cursor:

        def biggest(model: type[Model], column: str) -> int:
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)}")
            return int(cursor.fetchone()[0] or 0)

        offset = {
            model: biggest(model, model._meta.pk.column) + 1
            for model in grown
            if not isinstance(model._meta.pk, models.UUIDField)
        }
        copies = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, factor))
        written = 0
        for model in grown:
            moved = moved_fields(model, grown)
            columns, values = [], []
            for field in model._meta.concrete_fields:
                column = f"t.{quote(field.column)}"
                if field.primary_key and isinstance(field, models.UUIDField):
                    value = (
                        "gen_random_uuid()"
                        if connection.vendor == "postgresql"
                        else "lower(hex(randomblob(16)))"
                    )
                elif field.primary_key:
                    value = f"{column} + ks.k * {offset[model]}"
                elif field.is_relation and field.related_model in offset:
                    value = f"{column} + ks.k * {offset[field.related_model]}"
                elif field.name in moved and isinstance(field, models.CharField):
                    # A blank text stays blank: it is outside its constraint. A text as long as
                    # its column (a code's hash) gives up its last two characters to the mark.
                    kept = (
                        f"SUBSTR({column}, 1, {field.max_length - 2})"
                        if field.max_length
                        else column
                    )
                    value = (
                        f"CASE WHEN {column} = '' THEN '' "
                        f"ELSE {kept} || '~' || CAST(ks.k AS TEXT) END"
                    )
                elif field.name in moved and isinstance(field, models.IntegerField):
                    value = f"{column} + ks.k * {biggest(model, field.column) + 1}"
                else:
                    value = column
                columns.append(quote(field.column))
                values.append(value)
            table = quote(model._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                f"FROM {table} t CROSS JOIN ({copies}) ks WHERE t.coop_id = %s",
                [coop.pk],
            )
            written += cursor.rowcount
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), grown):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    return written


def moved_fields(model: type[Model], grown: list[type[Model]]) -> set[str]:
    """The fields a copy must change to keep ``model``'s unique constraints: in each that no
    key to a copied row already separates, its text and numbers (a person's family name, in the
    one on names and birth)."""
    uniques: list[tuple[str, ...]] = [(f.name,) for f in model._meta.concrete_fields if f.unique]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.fields:
                uniques.append(tuple(constraint.fields))
            else:
                uniques.append(("family_name",))  # Person: name and birth, as expressions.
    moved: set[str] = set()
    for names in uniques:
        fields = [model._meta.get_field(n) for n in names if n != "coop"]
        if any(f.primary_key or (f.is_relation and f.related_model in grown) for f in fields):
            continue
        changeable = [
            f.name
            for f in fields
            if isinstance(f, models.CharField | models.IntegerField) and not f.is_relation
        ]
        if not changeable:
            raise SystemExit(f"{model._meta.label}: cannot keep {names} unique when copying.")
        moved.update(changeable)
    return moved


def _register_files(coop: Any, manager: Any, today: datetime.date) -> None:
    """A file kept for the import of each other register, thirty rows where the register has
    them: each preview page reads its file again."""
    from carecoop.capital import services as capital
    from carecoop.care import services as care
    from carecoop.care.models import Enrolment
    from carecoop.ledger import services as ledger
    from carecoop.members.models import Membership, Person
    from carecoop.staffing import services as staffing
    from carecoop.tenancy.models import Centre

    centre = Centre.objects.order_by("pk").first()
    day = (today - datetime.timedelta(days=1)).isoformat()
    children = Person.objects.filter(
        pk__in=Enrolment.objects.order_by("pk").values("child_id")[:30]
    ).order_by("pk")
    for i, child in enumerate(children):
        Person.objects.filter(pk=child.pk).update(reference=f"KID-{i}")
    numbers = Membership.objects.order_by("pk").values_list("number", flat=True)[:30]
    files = {
        staffing.staff_upload: "reference,given name,centre,role,started on\n"
        + "".join(f"ST-{i},Carer {i},{centre.code},care worker,{day}\n" for i in range(30)),
        care.centres_upload: "code,name,licensed places,opens at,closes at\n"
        + "".join(f"new-{i},New centre {i},20,08:00,18:00\n" for i in range(30)),
        care.rooms_upload: "centre,name,youngest age (months),oldest age (months),places\n"
        + f"{centre.code},New room,{centre.min_age_months},{centre.max_age_months},0\n",
        care.collectors_upload: "child reference,name,relation to the child\n"
        + "".join(f"KID-{i},Neighbour {i},neighbour\n" for i in range(len(children))),
        capital.capital_upload: "reference,member reference,share class,shares,subscribed on,"
        "paid,paid on\n"
        + "".join(f"CAP-{i},{n},ordinary,1,{day},25,{day}\n" for i, n in enumerate(numbers)),
        ledger.opening_balances_upload: "date,account,debit,credit\n"
        + f"{day},1020,1000,\n{day},3000,,1000\n",
    }
    for upload, content in files.items():
        plan, kept = upload(coop=coop, by=manager, name="register.csv", content=content.encode())
        assert kept is not None, (upload.__name__, plan.problems[:3])


def ids(coop: Any) -> dict[str, int]:
    """The cooperative's row for each route with an id: the richest of its kind, so a page that
    grows with any of its rows shows it."""
    from carecoop.billing.models import Invoice
    from carecoop.care.models import Enrolment
    from carecoop.core.models import Upload
    from carecoop.governance.models import Meeting, Question
    from carecoop.members.models import Person
    from carecoop.tenancy.models import Centre
    from carecoop.testing import ROUTE_MODELS

    with scope(coop=coop.pk):
        centre = Centre.objects.annotate(n=Count("enrolments")).order_by("-n", "pk").first()
        enrolment = Enrolment.objects.filter(centre=centre, ends_on__isnull=True).order_by("pk")[0]
        child = enrolment.child
        parent = Person.objects.filter(wards__child=child, memberships__isnull=False).first()
        special: dict[type[Model], Any] = {
            Centre: centre,
            Enrolment: enrolment,
            Person: parent,
            Meeting: Meeting.objects.annotate(n=Count("attendees")).order_by("-n", "pk").first(),
            Question: Question.objects.annotate(n=Count("ballots")).order_by("-n").first(),
            Invoice: Invoice.objects.annotate(n=Count("payments")).order_by("-n", "pk").first(),
        }
        found = {}
        for route, model in ROUTE_MODELS.items():
            if model is Person and "/children/" in route:
                row = child
            elif model is Upload:  # The file kept for the import of the route's register.
                row = next(
                    Upload.objects.filter(register=name).order_by("pk").first()
                    for name in IMPORTS
                    if f"/{IMPORTS[name]}/" in f"/{route}"
                )
            elif route.endswith("/counts/"):  # Tellers count a paper ballot, not a secret one.
                row = Question.objects.exclude(method="secret").order_by("pk").first()
            else:
                row = special.get(model) or model.objects.order_by("pk").first()
            assert row is not None, f"the cooperative has no {model.__name__} for {route}"
            found[route] = row.pk
    return found


def visit(client: Client, coop: Any, found: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    """Every URL pattern, GET, as the manager (as a member where only a member may look): its
    status, gzip-compressed bytes and queries."""
    from django.contrib.auth import get_user_model

    from carecoop.testing import all_patterns, fill

    member_client = Client()
    member_client.force_login(get_user_model().objects.get(username=MEMBER))
    member_client.get(f"/c/{COOP}/")
    results = {}
    client.get(f"/c/{COOP}/")  # Warm the caches a first request fills, at both sizes alike.
    for route, _ns, _view in all_patterns():
        url = fill(route, coop=COOP, org=NETWORK, pk=found.get(route, 0))
        who = client
        if route == "accounts/logout/":  # Signing out ends the session: a session of its own.
            who = Client()
            who.force_login(client_user)
        seen_now(who)
        with CaptureQueriesContext(connection) as queries:
            response = who.get(url)
        if response.status_code == 403:  # A member's own page (her account): as the member.
            who = member_client
            seen_now(who)
            with CaptureQueriesContext(connection) as queries:
                response = who.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Disposition", "").startswith("attachment"):
            FILES.add(url)
        size = len(gzip.compress(body, compresslevel=6, mtime=0))
        results[url] = (response.status_code, size, len(queries))
    return results


def seen_now(client: Client) -> None:
    """Mark the session as used this second: the time of last use is written at most once a
    minute, on whichever page comes then, and a page must not be charged for it."""
    from carecoop.accounts.signals import LAST_SEEN

    session = client.session
    if LAST_SEEN in session:
        session[LAST_SEEN] = int(time.time())
        session.save()


def _kind(url: str) -> str:
    if url in FILES:
        return " (a file)"
    return " (a centre register)" if CENTRE_REGISTER.search(url) else ""


def error(status: int, url: str) -> bool:
    mine = url.startswith((f"/c/{COOP}/", f"/f/{NETWORK}/"))
    return status >= 500 or (mine and status in (403, 404))


client_user: Any = None


# A centre's registers for one day: a row per child of the centre (see the module's note); the
# API's attendance sheet is the page's, as data.
CENTRE_REGISTER = re.compile(r"/centres/\d+/(attendance|register|meals)/?$")


# The addresses whose answer is a file to download (see the module's note).
FILES: set[str] = set()


def size_budget(url: str, size: int) -> int:
    share = FACTOR if CENTRE_REGISTER.search(url) or url in FILES else 1
    return int(size * share * (1 + SIZE_SHARE) + SIZE_BYTES)


def main() -> int:
    global client_user
    started = time.perf_counter()
    engine = fresh_database(NAME)
    from carecoop.members.models import Membership

    coop, manager = load()
    client_user = manager
    found = ids(coop)
    if engine == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded_s = time.perf_counter() - started
    client = Client()
    client.force_login(manager)
    small = visit(client, coop, found)
    with scopes_disabled():
        members_1x = Membership.objects.filter(coop=coop).count()
    t0 = time.perf_counter()
    with transaction.atomic():
        written = grow(coop, FACTOR)
    grow_s = time.perf_counter() - t0
    with scopes_disabled():
        members_10x = Membership.objects.filter(coop=coop).count()
    large = visit(client, coop, found)
    total_s = time.perf_counter() - started

    print(
        f"\nGrowth on {engine}: {members_1x:,} members at 1x, {members_10x:,} at {FACTOR}x "
        f"({written:,} rows copied in {grow_s:.1f} s); loaded in {loaded_s:.1f} s, "
        f"{total_s:.1f} s in all"
    )
    print(
        f"  budget: same status, no error; size at {FACTOR}x <= 1x + {SIZE_SHARE:.0%} + "
        f"{SIZE_BYTES} B (gzip; a centre register or a file: {FACTOR}x its size); "
        f"queries at {FACTOR}x <= 1x + {QUERY_SLACK}"
    )
    print(f"  {'url':<72} {'status':>7} {'gz 1x':>7} {'gz 10x':>7} {'q 1x':>5} {'q 10x':>5}")
    failures = 0
    for url, (status, size, queries) in small.items():
        status10, size10, queries10 = large[url]
        problems = []
        if status != status10 or error(status, url) or error(status10, url):
            problems.append("STATUS")
        if size10 > size_budget(url, size):
            problems.append("GROWS")
        if queries10 > queries + QUERY_SLACK:
            problems.append("QUERIES")
        failures += bool(problems)
        shown = str(status) if status == status10 else f"{status}/{status10}"
        print(
            f"  {url:<72} {shown:>7} {size:>7,} {size10:>7,} {queries:>5} {queries10:>5}"
            f"  {' '.join(problems) or 'ok'}{_kind(url)}"
        )
    print(f"  {len(small)} pages, {failures} over budget; {total_s:.0f} s")
    drop_database(NAME)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
