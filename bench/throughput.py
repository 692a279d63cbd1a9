"""Throughput of the heaviest everyday pages against a minimal signed-in view, on one gunicorn with
two workers over loopback, on PostgreSQL.

The pages: the member list (a full page of rows), a centre's attendance sheet (every child of the
day), the sustainability dashboard (every centre's figures and two charts) and a federation's
overview (a page of its affiliated cooperatives). The minimal view is a real signed-in page that renders a
tiny template through the same middleware and context processors (bench/throughput_urls.py, served
only here). Each round loads the minimal view, then every page in an order that turns each round,
then the minimal view again, each for SECONDS with ``wrk -t2 -c4``; a page's ratio in a round is its
requests per second over the mean of that round's two minimal runs. Reported per page: the median
requests per second, the median of its ratios with their spread (max - min), and the machine's
load average. Budget: every page at least RATIO_BUDGET of the minimal view, with no failed request
and a full page in every answer (the mean bytes per answer is checked against the page fetched).

The data are the demonstration cooperatives (``demo_load``) and AFFILIATES more cooperatives
affiliated to its network. The database (carecoop_bench_throughput plus BENCH_DB_SUFFIX) is built
once a day and kept: the first run migrates and loads (minutes on a busy machine), the next ones
reuse it; BENCH_THROUGHPUT_REBUILD=1 builds it again. ``--profile`` prints, in process and without
budgets, the template variable lookups, URL reversals and queries of one request to each page and
the functions that cost the most.

PostgreSQL only (the server's database); on SQLite it says so and exits 0 without a result.
"""

import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import SERVER_URL, SUFFIX, gunicorn_start, report

if not SERVER_URL.startswith("postgres"):
    print("\nPage throughput against gunicorn: runs on PostgreSQL only; not run on SQLite.")
    sys.exit(0)

DB = "carecoop_bench_throughput" + SUFFIX
BUILD_VERSION = "2"  # raise when the build below changes, so a kept database is built again
AFFILIATES = 30
ROUNDS = int(os.environ.get("BENCH_THROUGHPUT_ROUNDS", 5))
SECONDS = int(os.environ.get("BENCH_THROUGHPUT_SECONDS", 4))
RATIO_BUDGET = 0.5
WRK = shutil.which("wrk") or "/usr/bin/wrk"
COOP = "shakti-creches"
NETWORK = "care-coop-network"


def database() -> None:
    """Point Django at the benchmark's database, building it when it is missing, not migrated to
    the code's migrations, or not built today by this version of the build."""
    import psycopg

    admin_url = SERVER_URL.rsplit("/", 1)[0] + "/postgres"
    os.environ["DATABASE_URL"] = SERVER_URL.rsplit("/", 1)[0] + "/" + DB
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and os.environ.get("BENCH_THROUGHPUT_REBUILD"):
            conn.execute(f"DROP DATABASE {DB}")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB}")
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Migrating the benchmark database…", flush=True)
        call_command("migrate", verbosity=0)
    stamp = f"{BUILD_VERSION} {datetime.date.today().isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_throughput_built (stamp text)")
        cursor.execute("SELECT stamp FROM bench_throughput_built")
        if (row := cursor.fetchone()) and row[0] == stamp:
            return
    if row is not None:
        # Built on another day or by another build: start again from an empty database.
        connection.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {DB}")
            conn.execute(f"CREATE DATABASE {DB}")
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_throughput_built (stamp text)")
    print("Loading the demonstration cooperatives…", flush=True)
    build()
    with connection.cursor() as cursor:
        # Statistics now, as a cooperative's database has them, not whenever autovacuum gets to it:
        # plans made on an empty table's estimates would be measured instead.
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM bench_throughput_built")
        cursor.execute("INSERT INTO bench_throughput_built VALUES (%s)", [stamp])


def build() -> None:
    """The demonstration cooperatives (through the services), and AFFILIATES more cooperatives
    with members, children and a centre each, affiliated to the demonstration network."""
    from django.contrib.auth import get_user_model
    from django_scopes import scope

    from carecoop.care import services as care
    from carecoop.demo.services import demo_load
    from carecoop.members.models import Household, MemberClass, Membership, Person
    from carecoop.tenancy import services as tenancy
    from carecoop.tenancy.models import Organisation

    demo_load()
    network = Organisation.objects.get(slug=NETWORK)
    admin = get_user_model().objects.get(username="admin")
    for i in range(AFFILIATES):
        slug = f"bench-coop-{i:02d}"
        if Organisation.objects.filter(slug=slug).exists():
            continue
        coop = tenancy.organisation_create(
            slug=slug,
            name=f"Cooperative {i:02d}",
            kind="cooperative",
            ilo_type="worker",
            country=["IN", "GT", "BR", "KE", "SN"][i % 5],
            currency="USD",
            languages="en",
            time_zone="UTC",
        )
        tenancy.affiliation_create(
            member=coop, parent=network, started_on=datetime.date(2020, 1, 1)
        )
        with scope(coop=coop.pk):
            care.centre_create(
                coop=coop,
                by=admin,
                code="c1",
                name="Centre",
                licensed_capacity=30 + i,
                opens_at=datetime.time(8),
                closes_at=datetime.time(17),
            )
            workers = MemberClass.objects.create(
                coop=coop, code="worker", name="Worker", vote_weight_percent=100
            )
            households = Household.objects.bulk_create(
                [Household(coop=coop, name=f"H{n}") for n in range(20 + 3 * i)]
            )
            adults = Person.objects.bulk_create(
                [
                    Person(coop=coop, given_name="Member", family_name=f"F{n}", household=h)
                    for n, h in enumerate(households)
                ]
            )
            Person.objects.bulk_create(
                [
                    Person(
                        coop=coop,
                        given_name="Child",
                        family_name=f"F{n}",
                        household=h,
                        household_relation="child",
                        date_of_birth=datetime.date(2023, 1, 1),
                    )
                    for n, h in enumerate(households)
                    if n % 2 == 0
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        coop=coop,
                        person=person,
                        member_class=workers,
                        number=str(n + 1),
                        status="applicant" if n % 7 == 0 else "active",
                        applied_on=datetime.date(2020, 1, 1),
                        admitted_on=None if n % 7 == 0 else datetime.date(2020, 2, 1),
                    )
                    for n, person in enumerate(adults)
                ]
            )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str, cookie: str = "", data: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, body, Set-Cookie headers) of one request, redirects not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie, "Referer": url})
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=60) as response:
            return (
                response.status,
                response.read().decode(),
                "; ".join(response.headers.get_all("Set-Cookie") or []),
            )
    except urllib.error.HTTPError as error:
        cookies = "; ".join(error.headers.get_all("Set-Cookie") or [])
        return error.code, error.read().decode(errors="replace"), cookies


def sign_in(base: str, username: str) -> str:
    """The Cookie header of a signed-in session of ``username``."""
    from carecoop.demo.data import PASSWORD

    _status, page, cookies = fetch(base + "/accounts/login/")
    csrf = re.search(r"csrftoken=([^;]+)", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    cookie = f"csrftoken={csrf.group(1) if csrf else ''}"
    status, _page, cookies = fetch(
        base + "/accounts/login/",
        cookie,
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
    )
    session = re.search(r"sessionid=([^;]+)", cookies)
    if status != 302 or not session:
        raise SystemExit(f"Could not sign in as {username}: {status}")
    return f"sessionid={session.group(1)}"


def pages() -> list[tuple[str, str, str, str]]:
    """(label, user, path, text every answer must hold) of the minimal view and each page."""
    from django_scopes import scopes_disabled

    from carecoop.care.selectors import active_enrolments
    from carecoop.tenancy.models import Centre

    with scopes_disabled():
        centres = Centre.objects.filter(coop__slug=COOP).order_by("code")
        today = datetime.date.today()
        centre = max(centres, key=lambda c: active_enrolments(c, today).count())
    return [
        ("minimal signed-in view", "manager.shakti", "/bench/minimal/", "manager.shakti"),
        ("member list", "manager.shakti", f"/c/{COOP}/members/", 'rel="next"'),
        (
            "attendance",
            "manager.shakti",
            f"/c/{COOP}/centres/{centre.pk}/attendance/",
            "data-child",
        ),
        ("sustainability dashboard", "manager.shakti", f"/c/{COOP}/funding/", "<svg"),
        ("federation overview", "analyst.network", f"/f/{NETWORK}/", 'rel="next"'),
    ]


def wrk(url: str, cookie: str) -> tuple[float, int, float]:
    """(requests per second, failed requests, mean bytes per answer) of one wrk run."""
    out = subprocess.run(
        [WRK, "-t2", "-c4", f"-d{SECONDS}s", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    done = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", out)
    assert done, out
    units = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
    requests = int(done.group(1))
    mean_bytes = float(done.group(2)) * units[done.group(3)] / max(requests, 1)
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        failed += int(errors.group(1)) + int(errors.group(3)) + int(errors.group(4))
    return rate, failed, mean_bytes


def profile() -> None:
    """One request to each page in process: template variable lookups, {% url %} reversals and
    queries, then the costliest functions of twenty requests each."""
    import cProfile
    import io
    import pstats

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template import base, defaulttags
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches

    counts = {"lookups": 0, "steps": 0, "urls": 0}
    resolve_lookup, url_render = base.Variable._resolve_lookup, defaulttags.URLNode.render

    def counted_lookup(self, context):  # type: ignore[no-untyped-def]
        counts["lookups"] += 1
        counts["steps"] += len(self.lookups)  # m.person.household.centre.name: 5 steps
        return resolve_lookup(self, context)

    def counted_url(self, context):  # type: ignore[no-untyped-def]
        counts["urls"] += 1
        return url_render(self, context)

    base.Variable._resolve_lookup = counted_lookup  # type: ignore[method-assign]
    defaulttags.URLNode.render = counted_url  # type: ignore[method-assign]
    settings.ROOT_URLCONF = "throughput_urls"
    clear_url_caches()
    for label, username, path, _text in pages():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)
        counts.update(lookups=0, steps=0, urls=0)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        size = len(response.content)
        print(
            f"\n{label}: {response.status_code}, {size} bytes, {counts['lookups']} variable "
            f"lookups ({counts['steps']} steps), {counts['urls']} URL reversals, "
            f"{len(queries)} queries"
        )
        started = time.perf_counter()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(path)
        profiler.disable()
        print(f"  {(time.perf_counter() - started) / 20 * 1000:.1f} ms a request under cProfile")
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(10)
        # The costliest of carecoop's own functions, template tags and filters, and babel's.
        stats.sort_stats("cumulative").print_stats(r"carecoop/|defaulttags|i18n|babel/numbers", 14)
        print("\n".join(line for line in text.getvalue().splitlines() if "/" in line))


def main() -> int:
    database()
    if "--profile" in sys.argv:
        os.environ["ALLOWED_HOSTS"] = "testserver"
        profile()
        return 0
    from django.db import connections

    targets = pages()
    connections.close_all()
    server, base = gunicorn_start("throughput_settings", "--workers", "2")
    rates: dict[str, list[float]] = {label: [] for label, *_ in targets}
    ratios: dict[str, list[float]] = {label: [] for label, *_ in targets[1:]}
    failures: dict[str, int] = {label: 0 for label, *_ in targets}
    short: dict[str, int] = {label: 0 for label, *_ in targets}
    loads = [os.getloadavg()[0]]
    try:
        cookies = {user: sign_in(base, user) for user in {user for _l, user, *_ in targets}}
        sizes = {}
        for label, user, path, text in targets:
            status, page, _cookies = fetch(base + path, cookies[user])
            if status != 200 or text not in page:
                raise SystemExit(f"{label} ({path}) answered {status} without {text!r}.")
            sizes[label] = len(page.encode())
        minimal, *measured = targets
        for round_ in range(ROUNDS):
            turn = round_ % len(measured)
            order = [minimal, *measured[turn:], *measured[:turn], minimal]
            got: dict[str, list[float]] = {}
            for label, user, path, _text in order:
                rate, failed, mean_bytes = wrk(base + path, cookies[user])
                got.setdefault(label, []).append(rate)
                failures[label] += failed
                # An answer smaller than the page (a redirect to sign in, an error page) is short.
                short[label] += mean_bytes < sizes[label]
            loads.append(os.getloadavg()[0])
            rates[minimal[0]].extend(got[minimal[0]])
            base_rate = statistics.mean(got[minimal[0]])
            for label, *_ in measured:
                rates[label].extend(got[label])
                ratios[label].append(got[label][0] / base_rate)
            print(
                f"  round {round_ + 1}: minimal {base_rate:.0f}/s; "
                + ", ".join(f"{label} {got[label][0] / base_rate:.2f}" for label, *_ in measured),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = []
    label = minimal[0]
    rows.append(
        (
            f"{label} (requests/s, median of {len(rates[label])})",
            f"{statistics.median(rates[label]):.0f}",
            "all answered",
            failures[label] == 0 and short[label] == 0,
        )
    )
    for label, *_ in measured:
        ratio = statistics.median(ratios[label])
        spread = max(ratios[label]) - min(ratios[label])
        rows.append(
            (
                f"{label}: ratio (±{spread:.2f}; {statistics.median(rates[label]):.0f}/s)",
                f"{ratio:.2f}",
                f">= {RATIO_BUDGET}",
                ratio >= RATIO_BUDGET,
            )
        )
        rows.append(
            (
                f"{label}: failed or short answers",
                str(failures[label] + short[label]),
                "0",
                failures[label] + short[label] == 0,
            )
        )
    ok = report(
        f"Page throughput against gunicorn (2 workers) on PostgreSQL, as a share of a minimal "
        f"signed-in view: {ROUNDS} rounds of {SECONDS} s per page (wrk -t2 -c4); load average "
        f"{min(loads):.2f} to {max(loads):.2f} on {os.cpu_count()} CPUs",
        rows,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
