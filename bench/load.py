"""A bounded load against gunicorn on PostgreSQL: fee payments, offline attendance and votes sent
concurrently and repeated, as a double tap on a slow link or a phone resending its outbox would.

What is sent (every request over loopback to a gunicorn with two workers started here):
- money: each invoice's payment form, each member's share payment form and a gift to the
  solidarity fund are opened once and the same filled form is sent PAYMENT_SENDS times at the
  same moment (the same form token);
- attendance: each child's check-in, recorded offline, is synced ATTENDANCE_SENDS times at the
  same moment in batches, through the API's sync as the attendance page sends it, as phones
  resending their outbox would;
- votes: each one-time code is used to cast the same ballot VOTE_SENDS times at the same moment.

Budgets: no request ends in a server error (or is dropped), and nothing is recorded twice: one
payment per invoice, one attendance record and one applied operation per check-in, one ballot per
code; one share payment per subscription and one fund gift per form sent. Throughput is printed for information. The load is bounded in count and time and stops by
itself.

PostgreSQL only (it is the database that runs concurrent writers); on SQLite it says so and
exits 0 without printing a result.
"""

import datetime
import http.cookiejar
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from harness import (
    SERVER_URL,
    assembly_open,
    drop_database,
    fresh_database,
    gunicorn_start,
    report,
)

if not SERVER_URL.startswith("postgres"):
    print(
        "\nLoad against gunicorn: runs on PostgreSQL only (concurrent writers); not run on SQLite."
    )
    sys.exit(0)

DB = "carecoop_bench_load"
ENGINE = fresh_database(DB)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from carecoop.billing import services as billing  # noqa: E402
from carecoop.billing.fees import month_start  # noqa: E402
from carecoop.billing.models import FundContribution, Invoice, Payment  # noqa: E402
from carecoop.capital import services as capital  # noqa: E402
from carecoop.capital.models import Payment as SharePayment  # noqa: E402
from carecoop.capital.models import Subscription  # noqa: E402
from carecoop.care import services as care  # noqa: E402
from carecoop.care.models import Attendance, SyncOperation  # noqa: E402
from carecoop.governance import services as governance  # noqa: E402
from carecoop.governance.models import BallotEntry, VoterCode  # noqa: E402
from carecoop.members.models import Guardianship, Household, MemberClass, Membership, Person  # noqa: E402
from carecoop.tenancy.models import Organisation  # noqa: E402
from carecoop.tenancy.services import role_grant  # noqa: E402

FAMILIES = int(os.environ.get("BENCH_FAMILIES", 40))
GIFTS = 10
PAYMENT_SENDS = 5
ATTENDANCE_SENDS = 4
VOTE_SENDS = 4
THREADS = 8
TIME_LIMIT = 240  # seconds for the whole load; past it the remaining requests are not sent
PASSWORD = "bench-load-password-1"
TODAY = datetime.date.today()
# The most recent weekday: the children are booked Monday to Friday.
DAY = TODAY - datetime.timedelta(days=max(0, TODAY.weekday() - 4))


def build() -> tuple[Organisation, list[tuple[int, int]], list[str]]:
    """A cooperative with a centre, FAMILIES households each with a child enrolled and billed, and
    an open secret ballot with a code for every member. Returns the cooperative, the
    (child, centre) pairs and the codes."""
    coop = Organisation.objects.create(
        slug="load",
        name="Load",
        kind="cooperative",
        ilo_type="worker",
        country="IN",
        currency="INR",
        languages="en",
        time_zone="UTC",
    )
    user = get_user_model().objects.create_user("manager.load", password=PASSWORD)
    role_grant(user=user, org=coop, role="manager")
    with scope(coop=coop.pk):
        centre = care.centre_create(
            coop=coop,
            by=user,
            code="c1",
            name="Centre",
            licensed_capacity=FAMILIES,
            opens_at=datetime.time(7),
            closes_at=datetime.time(22),
        )
        room = care.room_create(
            centre=centre, by=user, name="All", min_age_months=0, max_age_months=72,
            capacity=FAMILIES,
        )  # fmt: skip
        workers = MemberClass.objects.create(
            coop=coop, code="worker", name="Worker", vote_weight_percent=100
        )
        pairs, members = [], []
        start = month_start(TODAY) - datetime.timedelta(days=62)
        for i in range(FAMILIES):
            household = Household.objects.create(coop=coop, name=f"H{i}")
            mother = Person.objects.create(
                coop=coop, given_name="Mother", family_name=f"F{i}", household=household
            )
            members.append(
                Membership.objects.create(
                    coop=coop,
                    person=mother,
                    member_class=workers,
                    number=str(i + 1),
                    status="active",
                    applied_on=datetime.date(2020, 1, 1),
                    admitted_on=datetime.date(2020, 1, 2),
                )
            )
            child = Person.objects.create(
                coop=coop,
                given_name="Child",
                family_name=f"F{i}",
                household=household,
                household_relation="child",
                date_of_birth=TODAY - datetime.timedelta(days=900),
            )
            Guardianship.objects.create(coop=coop, child=child, guardian=mother, relation="mother")
            care.enrolment_create(child=child, room=room, by=user, starts_on=start)
            pairs.append((child.pk, centre.pk))
        category = billing.fee_category_create(coop=coop, by=user, code="all", name="All")
        billing.fee_schedule_create(
            coop=coop,
            by=user,
            centre=centre,
            category=category,
            amount=Decimal(175),
            effective_from=month_start(start),
            board_decision="Board 1",
        )
        billing.billing_run(coop=coop, by=user, month=month_start(TODAY))
        shares = capital.share_class_create(
            coop=coop, by=user, code="o", name="Ordinary", par_value=Decimal(100), currency="INR"
        )
        for member in members:
            capital.subscription_create(
                coop=coop,
                by=user,
                membership=member,
                share_class=shares,
                shares=2,
                subscribed_on=start,
                instalment=Decimal(50),
                first_due_on=start,
            )
        assembly = governance.body_create(coop=coop, by=user, kind="assembly", name="GA")
        meeting = assembly_open(body=assembly, user=user, members=members)
        motion = governance.motion_create(meeting=meeting, by=user, title="Motion", method="secret")
        governance.question_open(
            question=motion, by=user, closes_at=timezone.now() + datetime.timedelta(hours=1)
        )
        codes = [item.code for item in governance.codes_issue(question=motion, by=user)]
    return coop, pairs, codes


class Session:
    """One browser: a cookie jar, and the CSRF token the site gave it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str] | bytes, json_body: bool = False) -> int:
        return self.post_page(path, data, json_body)[0]

    def post_page(
        self, path: str, data: dict[str, str] | bytes, json_body: bool = False
    ) -> tuple[int, str]:
        if json_body:
            body, kind = data, "application/json"
        else:
            body, kind = urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path,
            data=body,  # type: ignore[arg-type]
            headers={
                "Content-Type": kind,
                "X-CSRFToken": self.csrf(),
                "Referer": self.base + path,
            },
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, username: str) -> None:
        _status, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        status = self.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
        )
        if status != 302:
            raise SystemExit(f"Could not sign in as {username}: {status}")


def form_values(page: str) -> dict[str, str]:
    """The values a form was shown with (its token among them), as a browser would send them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value:
            fields[name.group(1)] = value.group(1)
    return fields


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[str] = []

    def add(self, status: int, what: str) -> None:
        with self.lock:
            self.requests += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{what}: {status}")


def at_once(pool: ThreadPoolExecutor, times: int, send) -> list[int]:  # type: ignore[no-untyped-def]
    """Send the same request ``times`` times at the same moment."""
    barrier = threading.Barrier(times)

    def one() -> int:
        barrier.wait(timeout=60)
        try:
            return send()
        except OSError:
            return 0

    return [f.result() for f in [pool.submit(one) for _ in range(times)]]


def main() -> int:
    coop, pairs, codes = build()
    with scopes_disabled():
        invoices = list(Invoice.objects.filter(coop=coop).values_list("pk", "total_minor"))
        subscriptions = list(Subscription.objects.filter(coop=coop).values_list("pk", flat=True))
    connection.close()
    server, base = gunicorn_start("config.settings.test", "--workers", "2", "--threads", "4")
    tally = Tally()
    try:
        deadline = time.monotonic() + TIME_LIMIT
        started = time.perf_counter()
        manager = Session(base)
        manager.sign_in("manager.load")
        slug = coop.slug
        with ThreadPoolExecutor(max_workers=max(THREADS, PAYMENT_SENDS, VOTE_SENDS)) as pool:
            for pk, total in invoices:
                if time.monotonic() > deadline:
                    break
                status, page = manager.get(f"/c/{slug}/billing/invoices/{pk}/pay/")
                tally.add(status, "payment form")
                form = form_values(page)
                form.update(
                    method="cash",
                    amount=str(Decimal(total) / 100),
                    received_on=DAY.isoformat(),
                    payer="Mother",
                )
                path = f"/c/{slug}/billing/invoices/{pk}/pay/"
                for status in at_once(
                    pool, PAYMENT_SENDS, lambda p=path, f=form: manager.post(p, f)
                ):
                    tally.add(status, "payment")
            money_forms = [
                (f"/c/{slug}/capital/subscriptions/{pk}/", {"method": "cash", "amount": "50"})
                for pk in subscriptions
            ] + [
                (
                    f"/c/{slug}/billing/waivers/fund/",
                    {"kind": "donation", "amount": "500", "source": f"Gift {i}"},
                )
                for i in range(GIFTS)
            ]
            for path, values in money_forms:
                if time.monotonic() > deadline:
                    break
                status, page = manager.get(path)
                tally.add(status, "money form")
                form = {**form_values(page), **values, "paid_on": DAY.isoformat()}
                form["received_on"] = DAY.isoformat()
                for status in at_once(
                    pool, PAYMENT_SENDS, lambda p=path, f=form: manager.post(p, f)
                ):
                    tally.add(status, "money")
            operations = [
                {
                    "op_id": str(uuid.uuid4()),
                    "kind": "check_in",
                    "child": child,
                    "centre": centre,
                    "date": DAY.isoformat(),
                    "time": "08:30",
                    "brought_by": "Mother",
                }
                for child, centre in pairs
            ]
            for batch_start in range(0, len(operations), 10):
                if time.monotonic() > deadline:
                    break
                body = json.dumps(
                    {"operations": operations[batch_start : batch_start + 10]}
                ).encode()
                path = f"/api/v1/c/{slug}/attendance/sync"  # the API, as the page sends it
                for status in at_once(
                    pool,
                    ATTENDANCE_SENDS,
                    lambda p=path, b=body: manager.post(p, b, json_body=True),
                ):
                    tally.add(status, "attendance sync")
            voter = Session(base)
            voter.get(f"/c/{slug}/governance/vote/")
            for code in codes:
                if time.monotonic() > deadline:
                    break
                status, page = voter.post_page(f"/c/{slug}/governance/vote/", {"code": code})
                tally.add(status, "vote page")
                choice = re.search(r'name="choice" value="(\d+)"', page)
                data = {"code": code, "cast": "1", "choice": choice.group(1) if choice else ""}
                path = f"/c/{slug}/governance/vote/"
                for status in at_once(pool, VOTE_SENDS, lambda p=path, d=data: voter.post(p, d)):
                    tally.add(status, "vote")
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    with scopes_disabled():
        paid_twice = (
            Payment.objects.filter(coop=coop)
            .values("invoice")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        payments = Payment.objects.filter(coop=coop).count()
        share_payments = SharePayment.objects.filter(coop=coop).count()
        gifts = FundContribution.objects.filter(coop=coop).count()
        attended_twice = (
            Attendance.objects.filter(coop=coop)
            .values("child", "date")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        applied_twice = (
            SyncOperation.objects.filter(coop=coop)
            .values("op_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        attendances = Attendance.objects.filter(coop=coop, date=DAY).count()
        used = VoterCode.objects.filter(coop=coop, used=True).count()
        ballots = BallotEntry.objects.filter(coop=coop).values("ballot").distinct().count()
    expected_payments = len(invoices)
    twice = paid_twice + attended_twice + applied_twice + max(0, ballots - used)
    twice += max(0, share_payments - len(subscriptions)) + max(0, gifts - GIFTS)
    for error in tally.errors[:10]:
        print("  server error:", error)
    ok = report(
        f"Load against gunicorn (2 workers) on {ENGINE}: payments, attendance and votes sent "
        f"{PAYMENT_SENDS}, {ATTENDANCE_SENDS} and {VOTE_SENDS} times at once "
        f"({tally.requests} requests in {seconds:.0f} s)",
        [
            ("server errors or dropped requests", str(len(tally.errors)), "0", not tally.errors),
            ("records written twice", str(twice), "0", twice == 0),
            (
                "payments / invoices",
                f"{payments}/{expected_payments}",
                "all, once",
                payments == expected_payments,
            ),
            (
                "children checked in / enrolled",
                f"{attendances}/{len(pairs)}",
                "all, once",
                attendances == len(pairs),
            ),
            (
                "share payments / subscriptions",
                f"{share_payments}/{len(subscriptions)}",
                "all, once",
                share_payments == len(subscriptions),
            ),
            ("fund gifts / forms sent", f"{gifts}/{GIFTS}", "all, once", gifts == GIFTS),
            (
                "ballots / codes",
                f"{ballots}/{len(codes)}",
                "all, once",
                ballots == used == len(codes),
            ),
        ],
    )
    drop_database(DB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
