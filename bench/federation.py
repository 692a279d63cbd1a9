"""Budget for a federation of real size: 300 cooperatives, 1.5 million members, every page within
100 ms of server time (p95).

On PostgreSQL (DATABASE_URL points at one) it builds, with set-based SQL, a federation of 300
cooperatives with 1.5 million members skewed like real unions (the largest has about 104,000),
about 3,000 centres, 90,000 children with their guardians and enrolments, six months of invoices,
payments and ledger entries, and four weeks of attendance. On SQLite it builds the same shape at
20,000 members (one cooperative of 20,000 and two small ones).

Then it times, in-process, after a warm-up, the federation overview (as the federation's
officer), the largest cooperative's home page, member list page 1 and a page deep in the list
(followed by the cursor its "Next" link carries, 50,000 rows in or half-way), search by
name, phone and member number, a centre's attendance page, the sustainability dashboard and the
invoice list, and prints p50/p95 against 100 ms p95 each, and the machine's load. Exits non-zero
when any page is over budget, after printing everything.

Rows are written by SQL, not through the services, so whatever a service keeps beside a row (the
person's search text today; kept counts tomorrow) must be written by the builder too, or the
pages would read a federation no service could have produced. So it writes the ledger's month
totals and the centres' months of billing from the rows, as their migrations do.

The database is kept (``carecoop_federation`` + BENCH_DB_SUFFIX) and reused when it holds the same
scale; it is migrated (new migrations apply) and analysed again on reuse.

    BENCH_FEDERATION_SCALE=0.1   a tenth of the size (150,000 members); default 1.0
    BENCH_FEDERATION_REBUILD=1   build again even if the database holds this scale
    BENCH_FEDERATION_RUNS=20     timed requests per page (at least 20)
    BENCH_EXPLAIN=1              print EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query
"""

import datetime
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass

import harness

NAME = "carecoop_federation"
BUDGET_MS = 100.0
SCALE = float(os.environ.get("BENCH_FEDERATION_SCALE", "1.0"))
REBUILD = os.environ.get("BENCH_FEDERATION_REBUILD", "") not in ("", "0")
RUNS = max(20, int(os.environ.get("BENCH_FEDERATION_RUNS", "20")))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
POSTGRES = harness.SERVER_URL.startswith("postgres")

COOPERATIVES = 300
MEMBERS = 1_500_000
LARGEST = 104_000
MEMBERS_PER_CENTRE = 500
CHILDREN_PER_MEMBER = 0.06
BILLED_MONTHS = 6
ATTENDANCE_DAYS = 24  # four weeks of six opening days
MEMBER_FEE = 40_000  # minor units (INR 400.00 a month)
COMMUNITY_FEE = 60_000
SIBLING_DISCOUNT = 10  # percent, for the second child of a household

WOMEN = [
    "Meena",
    "Hansa",
    "Jyoti",
    "Kokila",
    "Rekha",
    "Savita",
    "Geeta",
    "Farzana",
    "Usha",
    "Manjula",
    "Kamla",
    "Sunita",
    "Anita",
    "Shabana",
    "Rukhsana",
    "Leela",
    "Pushpa",
    "Sharda",
    "Nirmala",
    "Bhavna",
    "Daksha",
    "Hema",
    "Jasoda",
    "Kanta",
    "Lata",
    "Madhu",
    "Naina",
    "Parvati",
    "Ramila",
    "Sarla",
    "Tara",
    "Urmila",
    "Vimla",
    "Yasmin",
    "Zarina",
    "Aruna",
    "Chandan",
    "Divya",
    "Gauri",
    "Hetal",
    "Indira",
    "Jaya",
    "Kiran",
    "Lalita",
    "Mumtaz",
    "Nasreen",
    "Pooja",
    "Radha",
    "Sangeeta",
    "Shanta",
    "Sushila",
    "Vandana",
    "Asha",
    "Bhagwati",
    "Champa",
    "Dhanlaxmi",
    "Gita",
    "Heena",
    "Ila",
    "Jamna",
    "Kusum",
    "Laxmi",
    "Mangla",
    "Neeta",
    "Prabha",
    "Reshma",
    "Saroj",
    "Uma",
]
MEN = [
    "Ramesh",
    "Suresh",
    "Mahesh",
    "Dinesh",
    "Imran",
    "Rajesh",
    "Salim",
    "Mukesh",
    "Jignesh",
    "Kalpesh",
    "Harish",
    "Vijay",
]
FAMILIES = [
    "Patel",
    "Parmar",
    "Solanki",
    "Chauhan",
    "Makwana",
    "Vaghela",
    "Shaikh",
    "Rathod",
    "Chavda",
    "Desai",
    "Joshi",
    "Pandya",
    "Shah",
    "Thakor",
    "Vasava",
    "Bhil",
    "Rabari",
    "Bharwad",
    "Mansuri",
    "Pathan",
    "Qureshi",
    "Gohil",
    "Jadeja",
    "Zala",
    "Dabhi",
    "Rana",
    "Prajapati",
    "Suthar",
    "Luhar",
    "Darji",
    "Mistry",
    "Panchal",
    "Gajjar",
    "Soni",
    "Modi",
    "Trivedi",
    "Vyas",
    "Dave",
    "Mehta",
    "Barot",
    "Chaudhary",
    "Damor",
    "Gamit",
    "Koli",
    "Marwadi",
    "Nayak",
    "Odedara",
    "Pandor",
    "Qadri",
    "Raval",
    "Sindhi",
    "Tadvi",
    "Upadhyay",
    "Valand",
    "Wagh",
    "Yadav",
    "Ansari",
    "Bhatt",
    "Chudasama",
    "Dodiya",
]
CHILDREN = [
    "Aarav",
    "Diya",
    "Ishaan",
    "Anaya",
    "Vihaan",
    "Kavya",
    "Arjun",
    "Saanvi",
    "Reyansh",
    "Myra",
    "Ayaan",
    "Aadhya",
    "Kabir",
    "Pari",
    "Ayesha",
    "Zoya",
    "Rehan",
    "Sara",
    "Dev",
    "Riya",
    "Om",
    "Tanvi",
    "Yash",
    "Nisha",
    "Krish",
    "Isha",
    "Aryan",
    "Khushi",
    "Veer",
    "Jiya",
    "Harsh",
    "Mahi",
    "Dhruv",
    "Prisha",
    "Neel",
    "Anvi",
    "Rudra",
    "Kiara",
    "Tejas",
    "Meher",
]
CITIES = [
    "Ahmedabad",
    "Surat",
    "Vadodara",
    "Rajkot",
    "Bhavnagar",
    "Anand",
    "Mehsana",
    "Patan",
    "Bhuj",
    "Godhra",
]
GIVEN = WOMEN + MEN
PERMUTE_PRIME = 1_000_003  # members per cooperative must stay below it
WRITTEN = (
    "tenancy_organisation",
    "tenancy_affiliation",
    "members_person",
    "members_household",
    "members_membership",
    "members_memberclass",
    "members_guardianship",
    "care_centre",
    "care_openinghours",
    "care_room",
    "care_enrolment",
    "care_attendance",
    "ledger_account",
    "ledger_entry",
    "ledger_line",
    "billing_feecategory",
    "billing_feeschedule",
    "billing_invoice",
    "billing_invoiceline",
    "billing_payment",
    "billing_billingrun",
    "billing_centremonth",
    "ledger_monthtotal",
    "core_counter",
)


@dataclass
class Coop:
    idx: int
    org_id: int
    slug: str
    members: int
    centres: int
    children: int
    member_base: int = 0
    centre_base: int = 0
    child_base: int = 0

    @property
    def stride(self) -> int:
        """Every stride-th member is the guardian of the cooperative's children: spread over
        the register, and always even, so that no guardian is an applicant or has left."""
        slots = (2 * self.children + 2) // 3 + 1
        return max(2, 2 * (self.members // (2 * (slots + 1))))


def cooperative_sizes(scale: float) -> list[int]:
    """The largest cooperative holds about 7 % of the members; the others follow a Zipf curve
    (like a union's district cooperatives: a few large, many small)."""
    if not POSTGRES:
        return [20_000, 2_000, 1_000]
    largest = round(LARGEST * scale)
    rest = round(MEMBERS * scale) - largest
    weights = [1 / (i + 3) ** 0.9 for i in range(COOPERATIVES - 1)]
    total = sum(weights)
    return [largest] + [max(20, round(rest * w / total)) for w in weights]


def plan(scale: float, org_base: int) -> list[Coop]:
    coops = []
    for i, members in enumerate(cooperative_sizes(scale)):
        coops.append(
            Coop(
                idx=i,
                org_id=org_base + 2 + i,  # org_base + 1 is the federation
                slug=f"coop-{i + 1:03d}",
                members=members,
                centres=max(1, round(members / MEMBERS_PER_CENTRE)),
                children=round(members * CHILDREN_PER_MEMBER),
            )
        )
    m = c = ch = 0
    for coop in coops:
        coop.member_base, coop.centre_base, coop.child_base = m, c, ch
        m, c, ch = m + coop.members, c + coop.centres, ch + coop.children
        assert coop.members < PERMUTE_PRIME
        assert ((coop.children + 2) // 3) * 2 * coop.stride < coop.members or coop.children == 0
    return coops


# ---------------------------------------------------------------------------------------------
# SQL that runs on both engines: helpers for what they spell differently.


def days_ago(expr: str, today: datetime.date) -> str:
    if POSTGRES:
        return f"(DATE '{today.isoformat()}' - CAST({expr} AS integer))"
    return f"date('{today.isoformat()}', '-' || ({expr}) || ' days')"


def pad(expr: str, width: int) -> str:
    if POSTGRES:
        return f"lpad(CAST({expr} AS text), {width}, '0')"
    return f"substr('{'0' * width}' || ({expr}), -{width})"


def as_time(expr: str) -> str:
    return f"CAST({expr} AS time)" if POSTGRES else f"({expr})"


def as_date(value: datetime.date) -> str:
    return f"DATE '{value.isoformat()}'" if POSTGRES else f"'{value.isoformat()}'"


def stamp(value: datetime.datetime) -> str:
    if POSTGRES:
        return f"TIMESTAMPTZ '{value.isoformat()}'"
    return f"'{value.strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def month_start(today: datetime.date, back: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


class Builder:
    """Writes the federation with a few dozen INSERT … SELECT statements. Ids are given, not
    drawn: each row's id is its table's base plus its position, so rows point at each other by
    arithmetic instead of lookups."""

    def __init__(self, cursor, coops: list[Coop], today: datetime.date) -> None:  # type: ignore[no-untyped-def]
        self.cur = cursor
        self.coops = coops
        self.today = today
        self.now = datetime.datetime.combine(today, datetime.time(6), tzinfo=datetime.UTC)
        self.base: dict[str, int] = {}
        self.timings: list[tuple[str, float]] = []

    def sql(self, label: str, statement: str) -> None:
        started = time.perf_counter()
        self.cur.execute(statement)
        self.timings.append((label, time.perf_counter() - started))
        print(f"  {label:<36} {time.perf_counter() - started:7.1f} s", flush=True)

    def top(self, table: str) -> int:
        self.cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return int(self.cur.fetchone()[0])

    def scratch(self) -> None:
        """Temporary tables: the plan, the name lists, a run of integers, the chart."""
        cur = self.cur
        big = "bigint" if POSTGRES else "integer"
        cur.execute(
            f"CREATE TEMP TABLE bench_coop (idx {big} PRIMARY KEY, org_id {big}, n {big}, "
            f"k {big}, nc {big}, mb {big}, cb {big}, chb {big}, stride {big}, slug varchar(50))"
        )
        cur.executemany(
            "INSERT INTO bench_coop VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    c.idx,
                    c.org_id,
                    c.members,
                    c.centres,
                    c.children,
                    c.member_base,
                    c.centre_base,
                    c.child_base,
                    c.stride,
                    c.slug,
                )
                for c in self.coops
            ],
        )
        cur.execute(f"CREATE TEMP TABLE bench_name (kind varchar(10), i {big}, name varchar(40))")
        rows = []
        for kind, names in (
            ("given", GIVEN),
            ("family", FAMILIES),
            ("child", CHILDREN),
            ("city", CITIES),
        ):
            rows += [(kind, i, n) for i, n in enumerate(names)]
        cur.executemany("INSERT INTO bench_name VALUES (%s, %s, %s)", rows)
        cur.execute(f"CREATE TEMP TABLE bench_seq (n {big} PRIMARY KEY)")
        top = max(c.members for c in self.coops) + 1
        cur.execute(
            "INSERT INTO bench_seq WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL "
            f"SELECT n + 1 FROM g WHERE n < {top}) SELECT n FROM g"
        )
        from carecoop.ledger.chart import DEFAULT_CHART

        cur.execute(
            f"CREATE TEMP TABLE bench_account (i {big}, code varchar(10), name varchar(120), "
            "kind varchar(10))"
        )
        cur.executemany(
            "INSERT INTO bench_account VALUES (%s, %s, %s, %s)",
            [(i, code, str(name), kind) for i, (code, name, kind) in enumerate(DEFAULT_CHART)],
        )
        cur.execute(
            f"CREATE TEMP TABLE bench_month (k {big} PRIMARY KEY, first date, last date, "
            f"first_n {big}, last_n {big}, days {big}, paid_share {big})"
        )
        months = []
        for k in range(1, BILLED_MONTHS + 1):
            first = month_start(self.today, k)
            last = month_start(self.today, k - 1) - datetime.timedelta(days=1)
            share = 60 if k == 1 else 92  # the last month is still being paid
            months.append(
                (
                    k,
                    first,
                    last,
                    (self.today - first).days,
                    (self.today - last).days,
                    last.day,
                    share,
                )
            )
        cur.executemany(
            "INSERT INTO bench_month VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(k, f.isoformat(), la.isoformat(), fn, ln, d, s) for k, f, la, fn, ln, d, s in months],
        )
        days = []
        day = self.today
        while len(days) < ATTENDANCE_DAYS:
            if day.isoweekday() != 7:  # centres open Monday to Saturday
                days.append((self.today - day).days)
            day -= datetime.timedelta(days=1)
        cur.execute(f"CREATE TEMP TABLE bench_day (n {big} PRIMARY KEY)")
        cur.executemany("INSERT INTO bench_day VALUES (%s)", [(n,) for n in days])
        if POSTGRES:
            cur.execute("ANALYZE bench_coop, bench_name, bench_seq, bench_month, bench_day")
        for table in (
            "tenancy_organisation",
            "members_person",
            "members_household",
            "members_membership",
            "members_memberclass",
            "care_centre",
            "care_room",
            "care_enrolment",
            "ledger_account",
            "ledger_entry",
            "billing_feecategory",
            "billing_feeschedule",
            "billing_invoice",
            "billing_payment",
        ):
            self.base[table] = self.top(table)

    def build(self) -> None:
        b, today = self.base, self.today
        members_total = sum(c.members for c in self.coops)
        centres_total = sum(c.centres for c in self.coops)
        children_total = sum(c.children for c in self.coops)
        n_accounts = 25
        P, H, M = b["members_person"], b["members_household"], b["members_membership"]
        C, R, E = b["care_centre"], b["care_room"], b["care_enrolment"]
        MC, A = b["members_memberclass"], b["ledger_account"]
        FC, FS = b["billing_feecategory"], b["billing_feeschedule"]
        # A member's person, household and membership: base + member_base + m + 1.
        # Her name, sex and birth date come from a permutation of m, so no two members of a
        # cooperative share a name and a birth date (the register's unique constraint).
        key = f"((s.n * 7919 + 13) % {PERMUTE_PRIME})"
        g, f = len(GIVEN), len(FAMILIES)
        women = len(WOMEN)
        given = f"({key} % {g})"
        family = f"(({key} / {g}) % {f})"
        dob_n = f"({19 * 365} + (({key} / {g * f}) * 47) % {33 * 365})"
        phone = f"('+91 9' || {pad('c.mb + s.n', 9)})"
        members = "bench_coop c JOIN bench_seq s ON s.n < c.n"
        opens, closes = as_time("'08:00:00'"), as_time("'18:00:00'")
        arrived = as_time("'08:' || " + pad("(s.n + d.n) % 50", 2) + " || ':00'")
        left = as_time("'17:' || " + pad("(s.n * 3 + d.n) % 55", 2) + " || ':00'")
        fed = self.coops[0].org_id - 1
        self.sql(
            "organisations",
            "INSERT INTO tenancy_organisation (id, slug, name, kind, ilo_type, level, country, "
            "city, currency, languages, time_zone, founded_on, is_public, require_two_factor) "
            f"SELECT {fed}, 'federation', '{marker()}', "
            "'federation', '', 'apex', 'IN', 'Ahmedabad', 'INR', 'gu,hi,en', 'Asia/Kolkata', "
            f"{as_date(datetime.date(1995, 4, 1))}, TRUE, FALSE "
            "UNION ALL SELECT c.org_id, c.slug, city.name || ' care cooperative ' || (c.idx + 1), "
            "'cooperative', 'multi_stakeholder', 'primary', 'IN', city.name, 'INR', 'gu,hi,en', "
            f"'Asia/Kolkata', {days_ago('3000 + c.idx * 11', today)}, TRUE, FALSE "
            "FROM bench_coop c JOIN bench_name city ON city.kind = 'city' "
            f"AND city.i = c.idx % {len(CITIES)}",
        )
        self.sql(
            "affiliations",
            "INSERT INTO tenancy_affiliation (started_on, ended_on, member_id, parent_id) "
            f"SELECT {days_ago('2000 + c.idx * 3', today)}, NULL, c.org_id, {fed} FROM bench_coop c",
        )
        self.sql(
            "member classes",
            "INSERT INTO members_memberclass (id, code, name, description, may_vote, "
            "vote_weight_percent, may_hold_office, may_enrol_children, min_shares, coop_id) "
            f"SELECT {MC} + c.idx * 2 + 1, 'worker', 'Worker-member', "
            "'Informal workers who use the centres', TRUE, CAST(NULL AS smallint), TRUE, TRUE, 1, c.org_id "
            "FROM bench_coop c UNION ALL "
            f"SELECT {MC} + c.idx * 2 + 2, 'care-worker', 'Care worker', "
            "'Women who run the centres', TRUE, CAST(NULL AS smallint), TRUE, FALSE, 1, c.org_id FROM bench_coop c",
        )
        self.sql(
            "chart of accounts",
            "INSERT INTO ledger_account (id, code, name, kind, description, coop_id) "
            f"SELECT {A} + c.idx * {n_accounts} + a.i + 1, a.code, a.name, a.kind, '', c.org_id "
            "FROM bench_coop c CROSS JOIN bench_account a",
        )
        centre = f"{C} + c.cb + s.n + 1"
        self.sql(
            "centres",
            "INSERT INTO care_centre (id, code, name, city, address, licensed_capacity, "
            "min_age_months, max_age_months, opens_at, closes_at, coop_id, latitude, longitude, "
            f"scheme, services) SELECT {centre}, 'c' || (s.n + 1), "
            "'Creche ' || city.name || ' ' || (s.n + 1), city.name, 'Ward ' || (s.n % 40 + 1), "
            f"30, 0, 72, {opens}, {closes}, c.org_id, NULL, NULL, "
            "CASE WHEN s.n % 4 = 0 THEN 'subsidised' ELSE 'private' END, 'day_care' "
            "FROM bench_coop c JOIN bench_seq s ON s.n < c.k JOIN bench_name city "
            f"ON city.kind = 'city' AND city.i = (c.idx + s.n) % {len(CITIES)}",
        )
        self.sql(
            "opening hours",
            "INSERT INTO care_openinghours (weekday, opens_at, closes_at, centre_id, coop_id) "
            f"SELECT d.n, {opens}, {closes}, {centre}, c.org_id "
            "FROM bench_coop c JOIN bench_seq s ON s.n < c.k "
            "JOIN bench_seq d ON d.n BETWEEN 1 AND 6",
        )
        self.sql(
            "rooms",
            "INSERT INTO care_room (id, name, min_age_months, max_age_months, capacity, "
            f"centre_id, coop_id) SELECT {R} + (c.cb + s.n) * 2 + r.n + 1, "
            "CASE WHEN r.n = 0 THEN 'Babies' ELSE 'Toddlers' END, "
            "CASE WHEN r.n = 0 THEN 0 ELSE 24 END, CASE WHEN r.n = 0 THEN 24 ELSE 72 END, "
            f"15, {centre}, c.org_id FROM bench_coop c JOIN bench_seq s ON s.n < c.k "
            "JOIN bench_seq r ON r.n < 2",
        )
        self.sql(
            "fee categories",
            "INSERT INTO billing_feecategory (id, code, name, coop_id, member_class_id, pool_id) "
            f"SELECT {FC} + c.idx * 2 + 1, 'member', 'Members', c.org_id, {MC} + c.idx * 2 + 1, "
            "CAST(NULL AS bigint) FROM bench_coop c UNION ALL SELECT "
            f"{FC} + c.idx * 2 + 2, 'community', 'Community', c.org_id, NULL, NULL "
            "FROM bench_coop c",
        )
        self.sql(
            "fee schedules",
            "INSERT INTO billing_feeschedule (id, amount_minor, currency, effective_from, "
            "effective_until, board_decision, sibling_discount_percent, prorate, absence_days, "
            "absence_credit_percent, category_id, centre_id, coop_id) "
            f"SELECT {FS} + (c.cb + s.n) * 2 + t.n + 1, "
            f"CASE WHEN t.n = 0 THEN {MEMBER_FEE} ELSE {COMMUNITY_FEE} END, 'INR', "
            f"{days_ago(3 * 365, today)}, NULL, 'Board decision 12/2023', {SIBLING_DISCOUNT}, "
            f"TRUE, NULL, 0, {FC} + c.idx * 2 + t.n + 1, {centre}, c.org_id "
            "FROM bench_coop c JOIN bench_seq s ON s.n < c.k JOIN bench_seq t ON t.n < 2",
        )
        # Households: one per member, at the centre of her part of the town.
        self.sql(
            "households",
            "INSERT INTO members_household (id, name, address, centre_id, coop_id) "
            f"SELECT {H} + c.mb + s.n + 1, gn.name || ' ' || fn.name, '', "
            f"{C} + c.cb + (s.n * c.k) / c.n + 1, c.org_id FROM {members} "
            f"JOIN bench_name gn ON gn.kind = 'given' AND gn.i = {given} "
            f"JOIN bench_name fn ON fn.kind = 'family' AND fn.i = {family}",
        )
        self.sql(
            "people (members)",
            "INSERT INTO members_person (id, given_name, family_name, date_of_birth, sex, phone, "
            "preferred_language, household_id, household_relation, displacement_status, "
            "disability, consent_given_on, consent_note, search_text, coop_id) "
            f"SELECT {P} + c.mb + s.n + 1, gn.name, fn.name, {days_ago(dob_n, today)}, "
            f"CASE WHEN {given} < {women} THEN 'female' ELSE 'male' END, {phone}, "
            f"CASE WHEN s.n % 3 = 0 THEN 'hi' ELSE 'gu' END, {H} + c.mb + s.n + 1, 'head', '', "
            f"'', {days_ago('40 + (s.n * 13) % 4000', today)}, 'Signed registration form', "
            f"lower(gn.name || ' ' || fn.name || ' ' || {phone} || ' ' || (s.n + 1)), c.org_id "
            f"FROM {members} JOIN bench_name gn ON gn.kind = 'given' AND gn.i = {given} "
            f"JOIN bench_name fn ON fn.kind = 'family' AND fn.i = {family}",
        )
        # Statuses: 5 % applicants, 2 % suspended, 2 % left; guardians (even m) are active.
        status = (
            "CASE WHEN s.n % 20 = 13 THEN 'applicant' WHEN s.n % 50 = 27 THEN 'suspended' "
            "WHEN s.n % 50 = 11 THEN 'exited' ELSE 'active' END"
        )
        applied_n = "(40 + (s.n * 13) % 4000)"
        self.sql(
            "memberships",
            "INSERT INTO members_membership (id, number, status, applied_on, admitted_on, "
            "exited_on, coop_id, member_class_id, person_id, reference) "
            f"SELECT {M} + c.mb + s.n + 1, CAST(s.n + 1 AS varchar(20)), {status}, "
            f"{days_ago(applied_n, today)}, CASE WHEN s.n % 20 = 13 THEN NULL ELSE "
            f"{days_ago(f'{applied_n} - 7 - s.n % 28', today)} END, "
            f"CASE WHEN s.n % 50 = 11 THEN {days_ago('s.n % 5', today)} ELSE NULL END, c.org_id, "
            f"{MC} + c.idx * 2 + CASE WHEN s.n % 10 = 9 THEN 2 ELSE 1 END, {P} + c.mb + s.n + 1, "
            "'' "
            f"FROM {members}",
        )
        # Children: child ch of a cooperative lives with member m = slot * stride, two children
        # in every other such household; born 2 to 58 months ago, enrolled at her household's
        # centre, in the babies' or the toddlers' room.
        slot = "((s.n / 3) * 2 + (s.n % 3) / 2)"
        guardian_m = f"({slot} * c.stride)"
        age_n = "(60 + (s.n * 37) % 1699)"
        kids = "bench_coop c JOIN bench_seq s ON s.n < c.nc"
        child_id = f"{P} + {members_total} + c.chb + s.n + 1"
        self.sql(
            "people (children)",
            "INSERT INTO members_person (id, given_name, family_name, date_of_birth, sex, phone, "
            "preferred_language, household_id, household_relation, displacement_status, "
            "disability, consent_given_on, consent_note, search_text, coop_id) "
            f"SELECT {child_id}, kn.name, p.family_name, {days_ago(age_n, today)}, "
            "CASE WHEN s.n % 2 = 0 THEN 'female' ELSE 'male' END, '', '', "
            f"{H} + c.mb + {guardian_m} + 1, 'child', '', '', NULL, '', "
            "lower(kn.name || ' ' || p.family_name), c.org_id "
            f"FROM {kids} JOIN bench_name kn ON kn.kind = 'child' AND kn.i = s.n % {len(CHILDREN)} "
            f"JOIN members_person p ON p.id = {P} + c.mb + {guardian_m} + 1",
        )
        self.sql(
            "guardianships",
            "INSERT INTO members_guardianship (relation, coop_id, child_id, guardian_id) "
            "SELECT CASE WHEN p.sex = 'female' THEN 'mother' ELSE 'father' END, c.org_id, "
            f"{child_id}, p.id FROM {kids} JOIN members_person p "
            f"ON p.id = {P} + c.mb + {guardian_m} + 1",
        )
        start_n = f"(CASE WHEN {age_n} - 30 < 365 THEN {age_n} - 30 ELSE 365 END)"
        centre_of_m = f"(({guardian_m} * c.k) / c.n)"
        self.sql(
            "enrolments",
            "INSERT INTO care_enrolment (id, starts_on, ends_on, days, centre_id, child_id, "
            f"coop_id, room_id, pool_id) SELECT {E} + c.chb + s.n + 1, "
            f"{days_ago(start_n, today)}, NULL, '123456', {C} + c.cb + {centre_of_m} + 1, "
            f"{child_id}, c.org_id, {R} + (c.cb + {centre_of_m}) * 2 + "
            f"CASE WHEN {age_n} < 730 THEN 1 ELSE 2 END, NULL FROM {kids}",
        )
        self.sql(
            "attendance",
            "INSERT INTO care_attendance (date, checked_in_at, brought_by, checked_out_at, "
            "collected_by, collection_override, absence, centre_id, child_id, coop_id, "
            f"recorded_by_id) SELECT {days_ago('d.n', today)}, "
            "CASE WHEN (s.n * 7 + d.n * 13) % 100 < 86 THEN "
            f"{arrived} END, "
            "CASE WHEN (s.n * 7 + d.n * 13) % 100 < 86 THEN 'Mother' ELSE '' END, "
            "CASE WHEN (s.n * 7 + d.n * 13) % 100 < 86 THEN "
            f"{left} END, "
            "CASE WHEN (s.n * 7 + d.n * 13) % 100 < 86 THEN 'Mother' ELSE '' END, '', "
            "CASE WHEN (s.n * 7 + d.n * 13) % 100 < 86 THEN '' "
            "WHEN d.n % 2 = 0 THEN 'ill' ELSE 'family' END, "
            f"{C} + c.cb + {centre_of_m} + 1, {child_id}, c.org_id, NULL "
            f"FROM {kids} JOIN bench_day d ON d.n <= {start_n}",
        )
        self.billing(members_total, centres_total, children_total)

    def billing(self, members_total: int, centres_total: int, children_total: int) -> None:
        """Six months of invoices (a line per child enrolled by the month's end), one fees entry
        per cooperative and month, payments with their entries, and each centre's monthly
        running costs and public grant."""
        b, today, cur = self.base, self.today, self.cur
        P, H, C, E = (
            b["members_person"],
            b["members_household"],
            b["care_centre"],
            b["care_enrolment"],
        )
        FS, A, LE = b["billing_feeschedule"], b["ledger_account"], b["ledger_entry"]
        INV, PAY = b["billing_invoice"], b["billing_payment"]
        big = "bigint" if POSTGRES else "integer"
        slot = "((s.n / 3) * 2 + (s.n % 3) / 2)"
        guardian_m = f"({slot} * c.stride)"
        age_n = "(60 + (s.n * 37) % 1699)"
        start_n = f"(CASE WHEN {age_n} - 30 < 365 THEN {age_n} - 30 ELSE 365 END)"
        centre_of_m = f"(({guardian_m} * c.k) / c.n)"
        cur.execute(
            f"CREATE TEMP TABLE bench_line (idx {big}, org_id {big}, k {big}, household_id {big}, "
            f"child_id {big}, enrolment_id {big}, centre_id {big}, schedule_id {big}, "
            f"days {big}, month_days {big}, full_minor {big}, discount_minor {big}, "
            f"amount_minor {big}, second {big})"
        )
        # Days charged: the whole month, or from the start of the enrolment in its first month.
        days = f"(CASE WHEN {start_n} < mo.first_n THEN {start_n} - mo.last_n + 1 ELSE mo.days END)"
        prorated = f"({MEMBER_FEE} * {days} / mo.days)"
        second = "(CASE WHEN s.n % 3 = 1 THEN 1 ELSE 0 END)"
        self.sql(
            "invoice lines (scratch)",
            "INSERT INTO bench_line SELECT c.idx, c.org_id, mo.k, "
            f"{H} + c.mb + {guardian_m} + 1, {P} + {members_total} + c.chb + s.n + 1, "
            f"{E} + c.chb + s.n + 1, {C} + c.cb + {centre_of_m} + 1, "
            f"{FS} + (c.cb + {centre_of_m}) * 2 + 1, {days}, mo.days, {MEMBER_FEE}, "
            f"{second} * {prorated} * {SIBLING_DISCOUNT} / 100, "
            f"{prorated} - {second} * {prorated} * {SIBLING_DISCOUNT} / 100, {second} "
            f"FROM bench_coop c JOIN bench_seq s ON s.n < c.nc "
            f"JOIN bench_month mo ON {start_n} >= mo.last_n",
        )
        cur.execute(
            f"CREATE TEMP TABLE bench_invoice (id {big}, idx {big}, org_id {big}, k {big}, "
            f"household_id {big}, centre_id {big}, total {big}, seq {big}, paid {big}, "
            f"method {big})"
        )
        self.sql(
            "invoices (scratch)",
            "INSERT INTO bench_invoice SELECT "
            f"{INV} + row_number() OVER (ORDER BY idx, k DESC, household_id), idx, org_id, k, "
            "household_id, MIN(centre_id), SUM(amount_minor), "
            "row_number() OVER (PARTITION BY idx ORDER BY k DESC, household_id), "
            "CASE WHEN (household_id * 31 + k * 7) % 100 < MIN(mo.paid_share) THEN 1 ELSE 0 END, "
            "(household_id + k) % 3 FROM bench_line JOIN bench_month mo USING (k) "
            "GROUP BY idx, org_id, k, household_id",
        )
        if POSTGRES:
            cur.execute("ANALYZE bench_line, bench_invoice")
        n_entries_fees = len(self.coops) * BILLED_MONTHS
        fees_entry = f"({LE} + i.idx * {BILLED_MONTHS} + i.k)"
        self.sql(
            "ledger entries (fees)",
            "INSERT INTO ledger_entry (id, date, memo, currency, source_key, posted_at, coop_id, "
            f"posted_by_id, reverses_id) SELECT {LE} + c.idx * {BILLED_MONTHS} + mo.k, mo.first, "
            "'Fees for ' || substr(CAST(mo.first AS varchar(10)), 1, 7), 'INR', "
            "'invoices:' || substr(CAST(mo.first AS varchar(10)), 1, 7) || ':1', "
            f"{stamp(self.now)}, c.org_id, NULL, NULL FROM bench_coop c CROSS JOIN bench_month mo",
        )
        self.sql(
            "ledger lines (fees)",
            "INSERT INTO ledger_line (amount_minor, account_id, centre_id, coop_id, entry_id) "
            f"SELECT SUM(i.total) * (1 - 2 * a.n), {A} + i.idx * 25 + "
            "CASE WHEN a.n = 0 THEN 4 ELSE 13 END, i.centre_id, i.org_id, "
            f"{fees_entry} FROM bench_invoice i CROSS JOIN bench_seq a WHERE a.n < 2 "
            "GROUP BY i.idx, i.org_id, i.k, i.centre_id, a.n",
        )
        number = f"'F' || replace(substr(CAST(mo.first AS varchar(10)), 1, 7), '-', '') || '-' || {pad('i.seq', 6)}"
        self.sql(
            "invoices",
            "INSERT INTO billing_invoice (id, month, number, currency, total_minor, paid_minor, "
            "waived_minor, status, issued_on, due_on, centre_id, coop_id, entry_id, household_id) "
            f"SELECT i.id, mo.first, {number}, 'INR', i.total, i.paid * i.total, 0, "
            "CASE WHEN i.paid = 1 THEN 'paid' ELSE 'open' END, "
            f"{days_ago('mo.first_n - 1', today)}, {days_ago('mo.first_n - 11', today)}, "
            f"i.centre_id, i.org_id, {fees_entry}, i.household_id "
            "FROM bench_invoice i JOIN bench_month mo USING (k)",
        )
        self.sql(
            "invoice lines",
            "INSERT INTO billing_invoiceline (month, description, full_minor, days, month_days, "
            "discount_minor, absence_credit_minor, amount_minor, centre_id, child_id, coop_id, "
            "enrolment_id, invoice_id, schedule_id) SELECT mo.first, 'Day care', l.full_minor, "
            "l.days, l.month_days, l.discount_minor, 0, l.amount_minor, l.centre_id, l.child_id, "
            "l.org_id, l.enrolment_id, i.id, l.schedule_id FROM bench_line l "
            "JOIN bench_month mo ON mo.k = l.k JOIN bench_invoice i "
            "ON i.idx = l.idx AND i.k = l.k AND i.household_id = l.household_id",
        )
        # Payments: one per paid invoice, ten days into the next month, each with its entry.
        pay_entry = f"({LE} + {n_entries_fees} + i.id - {INV})"
        paid_on = days_ago("CASE WHEN mo.last_n > 10 THEN mo.last_n - 10 ELSE mo.last_n END", today)
        self.sql(
            "ledger entries (payments)",
            "INSERT INTO ledger_entry (id, date, memo, currency, source_key, posted_at, coop_id, "
            f"posted_by_id, reverses_id) SELECT {pay_entry}, {paid_on}, 'Payment of invoice', "
            f"'INR', 'payment:R' || {pad('i.seq', 7)}, {stamp(self.now)}, i.org_id, NULL, NULL "
            "FROM bench_invoice i JOIN bench_month mo USING (k) WHERE i.paid = 1",
        )
        self.sql(
            "ledger lines (payments)",
            "INSERT INTO ledger_line (amount_minor, account_id, centre_id, coop_id, entry_id) "
            f"SELECT i.total * (1 - 2 * a.n), {A} + i.idx * 25 + "
            "CASE WHEN a.n = 1 THEN 4 ELSE i.method + 1 END, i.centre_id, i.org_id, "
            f"{pay_entry} FROM bench_invoice i CROSS JOIN bench_seq a WHERE a.n < 2 "
            "AND i.paid = 1",
        )
        self.sql(
            "payments",
            "INSERT INTO billing_payment (id, method, amount_minor, currency, received_on, "
            "reference, payer, receipt_number, key, recorded_at, coop_id, entry_id, invoice_id, "
            f"recorded_by_id, reversal_id) SELECT {PAY} + i.id - {INV}, "
            "CASE i.method WHEN 0 THEN 'cash' WHEN 1 THEN 'mobile' ELSE 'bank' END, i.total, "
            f"'INR', {paid_on}, CASE WHEN i.method = 0 THEN '' ELSE 'TX' || i.id END, "
            f"h.name, 'R' || {pad('i.seq', 7)}, 'bench:' || i.id, {stamp(self.now)}, i.org_id, "
            f"{pay_entry}, i.id, NULL, NULL FROM bench_invoice i JOIN bench_month mo USING (k) "
            "JOIN members_household h ON h.id = i.household_id WHERE i.paid = 1",
        )
        # Each centre's month: salaries, rent and food paid from the bank, a public grant in;
        # the billed months and the current one, on the fifth (or today, if sooner).
        self.cur.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_entry")
        LE2 = int(self.cur.fetchone()[0])
        self.cur.execute(f"CREATE TEMP TABLE bench_cmonth (n {big} PRIMARY KEY, day_n {big})")
        self.cur.executemany(
            "INSERT INTO bench_cmonth VALUES (%s, %s)",
            [
                (n, max(0, (today - month_start(today, n)).days - 4))
                for n in range(BILLED_MONTHS + 1)
            ],
        )
        centre_month = f"({LE2} + (c.cb + s.n) * {BILLED_MONTHS + 1} + mo.n + 1)"
        months = "bench_coop c JOIN bench_seq s ON s.n < c.k CROSS JOIN bench_cmonth mo"
        self.cur.execute(f"CREATE TEMP TABLE bench_cost (i {big}, account {big}, amount {big})")
        # Chart positions: 2 bank, 13 public schemes, 18 salaries, 19 rent, 20 food.
        self.cur.executemany(
            "INSERT INTO bench_cost VALUES (%s, %s, %s)",
            [
                (0, 18, 1_500_000),
                (1, 19, 300_000),
                (2, 20, 450_000),
                (3, 2, -2_250_000),
                (4, 2, 1_200_000),
                (5, 13, -1_200_000),
            ],
        )
        self.sql(
            "ledger entries (running costs)",
            "INSERT INTO ledger_entry (id, date, memo, currency, source_key, posted_at, coop_id, "
            f"posted_by_id, reverses_id) SELECT {centre_month}, {days_ago('mo.day_n', today)}, "
            f"'Running costs and grant', 'INR', 'manual:' || {centre_month}, "
            f"{stamp(self.now)}, c.org_id, NULL, NULL FROM {months}",
        )
        self.sql(
            "ledger lines (running costs)",
            "INSERT INTO ledger_line (amount_minor, account_id, centre_id, coop_id, entry_id) "
            f"SELECT x.amount, {A} + c.idx * 25 + x.account + 1, {C} + c.cb + s.n + 1, c.org_id, "
            f"{centre_month} FROM {months} CROSS JOIN bench_cost x",
        )
        # Opening balance: each cooperative starts with a reserve in the bank.
        self.cur.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_entry")
        LE3 = int(self.cur.fetchone()[0])
        self.sql(
            "opening balances",
            "INSERT INTO ledger_entry (id, date, memo, currency, source_key, posted_at, coop_id, "
            f"posted_by_id, reverses_id) SELECT {LE3} + c.idx + 1, {days_ago(400, today)}, "
            f"'Opening balance', 'INR', 'manual:opening', {stamp(self.now)}, c.org_id, NULL, "
            "NULL FROM bench_coop c",
        )
        self.sql(
            "opening balance lines",
            "INSERT INTO ledger_line (amount_minor, account_id, centre_id, coop_id, entry_id) "
            f"SELECT (1 - 2 * a.n) * c.k * 5000000, {A} + c.idx * 25 + "
            f"CASE WHEN a.n = 0 THEN 3 ELSE 10 END, NULL, c.org_id, {LE3} + c.idx + 1 "
            "FROM bench_coop c CROSS JOIN bench_seq a WHERE a.n < 2",
        )
        self.sql(
            "billing runs",
            "INSERT INTO billing_billingrun (month, status, invoices, lines, skipped, message, "
            "started_at, finished_at, coop_id, started_by_id) SELECT mo.first, 'done', i.n, "
            f"l.n, 0, '', {stamp(self.now)}, {stamp(self.now)}, i.org_id, NULL "
            "FROM (SELECT org_id, k, COUNT(*) AS n FROM bench_invoice GROUP BY org_id, k) i "
            "JOIN (SELECT org_id, k, COUNT(*) AS n FROM bench_line GROUP BY org_id, k) l "
            "ON l.org_id = i.org_id AND l.k = i.k JOIN bench_month mo ON mo.k = i.k",
        )
        # What the services keep beside the rows they write: the ledger's month totals and the
        # centres' months of billing (as the migrations that made them fill them).
        month = (
            "CAST(date_trunc('month', e.date) AS date)"
            if POSTGRES
            else "date(e.date, 'start of month')"
        )
        self.sql(
            "ledger month totals",
            "INSERT INTO ledger_monthtotal (coop_id, month, account_id, centre_id, amount_minor) "
            f"SELECT l.coop_id, {month}, l.account_id, l.centre_id, SUM(l.amount_minor) "
            "FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id "
            "JOIN bench_coop c ON c.org_id = l.coop_id "
            f"GROUP BY l.coop_id, {month}, l.account_id, l.centre_id "
            "HAVING SUM(l.amount_minor) <> 0",
        )
        self.sql(
            "centres' months of billing",
            "INSERT INTO billing_centremonth (coop_id, month, centre_id, child_months, "
            "full_minor, billed_minor, paid_minor, waived_minor) "
            "SELECT coop_id, month, centre_id, SUM(n), SUM(f), SUM(b), SUM(p), SUM(w) FROM ("
            "SELECT l.coop_id, l.month, l.centre_id, COUNT(*) AS n, SUM(l.full_minor) AS f, "
            "SUM(l.amount_minor) AS b, 0 AS p, 0 AS w FROM billing_invoiceline l "
            "JOIN bench_coop c ON c.org_id = l.coop_id GROUP BY l.coop_id, l.month, l.centre_id "
            "UNION ALL SELECT i.coop_id, i.month, i.centre_id, 0, 0, 0, SUM(i.paid_minor), "
            "SUM(i.waived_minor) FROM billing_invoice i JOIN bench_coop c ON c.org_id = i.coop_id "
            "GROUP BY i.coop_id, i.month, i.centre_id) t GROUP BY coop_id, month, centre_id",
        )
        cur.execute(
            "INSERT INTO core_counter (key, value, coop_id) SELECT 'billing.invoice', "
            "COUNT(*), org_id FROM bench_invoice GROUP BY org_id UNION ALL "
            "SELECT 'billing.receipt', MAX(seq), org_id FROM bench_invoice WHERE paid = 1 "
            "GROUP BY org_id"
        )

    def finish(self) -> None:
        """Move each identity past the ids given, drop the scratch tables."""
        if POSTGRES:
            for table in WRITTEN:
                self.cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT GREATEST(MAX(id), 1) FROM {table}))"
                )
        for table in (
            "bench_coop",
            "bench_name",
            "bench_seq",
            "bench_account",
            "bench_month",
            "bench_day",
            "bench_line",
            "bench_invoice",
            "bench_cmonth",
            "bench_cost",
        ):
            self.cur.execute(f"DROP TABLE {table}")


# ---------------------------------------------------------------------------------------------
# The database: reused when it holds this scale, built otherwise.


def marker() -> str:
    """The federation's name, which says what the database holds."""
    if POSTGRES:
        return f"Care federation (bench scale {SCALE:g})"
    return "Care federation (bench, 20,000 members on SQLite)"


def open_database() -> bool:
    """Point Django at the federation database; True when it already holds this scale."""
    name = NAME + harness.SUFFIX
    if not REBUILD:
        if POSTGRES:
            import psycopg

            base = harness.SERVER_URL.rsplit("/", 1)[0]
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
            url = base + "/" + name
        else:
            path = harness.ROOT / "var" / f"{name}.sqlite3"
            exists = path.exists()
            url = f"sqlite:///{path}"
        if exists:
            os.environ["DATABASE_URL"] = url
            import django
            from django.core.management import call_command

            django.setup()
            from carecoop.tenancy.models import Organisation

            try:
                built = Organisation.objects.filter(slug="federation", name=marker()).exists()
            except Exception:  # an unmigrated or foreign database: build it again
                built = False
            if built:
                call_command("migrate", verbosity=0)
                return True
            from django.db import connections

            connections.close_all()
    harness.fresh_database(NAME)
    return False


def build() -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        org_base = Builder.top(Builder(cursor, [], today), "tenancy_organisation")
    coops = plan(SCALE, org_base)
    print(
        f"Building {len(coops)} cooperatives, {sum(c.members for c in coops):,} members, "
        f"{sum(c.centres for c in coops):,} centres, {sum(c.children for c in coops):,} children "
        f"(largest: {coops[0].members:,} members, {coops[0].centres} centres)",
        flush=True,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # Foreign keys are checked once, set-based, at the end (foreign_keys_check) instead
            # of by a trigger per row; unique and check constraints hold throughout.
            cursor.execute("SET LOCAL session_replication_role = replica")
            dropped = indexes_drop(cursor)
        builder = Builder(cursor, coops, today)
        builder.scratch()
        builder.build()
        builder.finish()
        if POSTGRES:
            indexes_create(cursor, dropped)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            foreign_keys_check(cursor)
    users(coops[0])
    analyse()
    return time.perf_counter() - started


def indexes_drop(cursor) -> list[str]:  # type: ignore[no-untyped-def]
    """Drop the indexes of the tables to be written that no constraint stands on, returning
    their definitions: built again in one sort each after the load, instead of growing row by
    row in random order (the unique ones check their rows when they are built again)."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(WRITTEN)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def indexes_create(cursor, definitions: list[str]) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for definition in definitions:
        cursor.execute(definition)
    label = f"{len(definitions)} indexes built again"
    print(f"  {label:<36} {time.perf_counter() - started:7.1f} s", flush=True)


def foreign_keys_check(cursor) -> None:  # type: ignore[no-untyped-def]
    """Every foreign key of every table written points at a row (one anti-join each)."""
    started = time.perf_counter()
    cursor.execute(
        "SELECT c.conrelid::regclass::text, array_agg(a.attname::text ORDER BY k.n), "
        "c.confrelid::regclass::text, array_agg(fa.attname::text ORDER BY k.n) "
        "FROM pg_constraint c, unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, fcol, n), "
        "pg_attribute a, pg_attribute fa "
        "WHERE a.attrelid = c.conrelid AND a.attnum = k.col "
        "AND fa.attrelid = c.confrelid AND fa.attnum = k.fcol AND c.contype = 'f' "
        "AND c.conrelid::regclass::text = ANY(%s) "
        "GROUP BY c.oid, c.conrelid, c.confrelid",
        [list(WRITTEN)],
    )
    broken = []
    for table, columns, target, target_columns in cursor.fetchall():
        # A key of several columns is checked only where none of them is null (MATCH SIMPLE).
        given = " AND ".join(f't."{column}" IS NOT NULL' for column in columns)
        same = " AND ".join(
            f'r."{theirs}" = t."{ours}"'
            for ours, theirs in zip(columns, target_columns, strict=True)
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} t WHERE {given} AND NOT EXISTS "
            f"(SELECT 1 FROM {target} r WHERE {same})"
        )
        orphans = cursor.fetchone()[0]
        if orphans:
            broken.append(f"{table}.{', '.join(columns)} → {target}: {orphans} rows")
    if broken:
        raise RuntimeError("The build wrote rows pointing at nothing:\n" + "\n".join(broken))
    print(f"  {'foreign keys checked':<36} {time.perf_counter() - started:7.1f} s", flush=True)


def users(largest: Coop) -> None:
    from django.contrib.auth import get_user_model

    from carecoop.tenancy.models import Centre, Organisation
    from carecoop.tenancy.services import role_grant

    User = get_user_model()
    federation = Organisation.objects.get(slug="federation")
    coop = Organisation.objects.get(pk=largest.org_id)
    centre = Centre._base_manager.filter(coop=coop).order_by("pk").first()
    for username, org, role, centres in (
        ("federation.officer", federation, "analyst", []),
        ("coop.manager", coop, "manager", []),
        ("centre.facilitator", coop, "facilitator", [centre]),
    ):
        user = User.objects.create_user(username, password="bench")
        role_grant(user=user, org=org, role=role, centres=centres)


def analyse() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if POSTGRES else "ANALYZE")
    print(f"  {'vacuum and analyse':<36} {time.perf_counter() - started:7.1f} s", flush=True)


# ---------------------------------------------------------------------------------------------
# The measurement.


@dataclass
class Page:
    label: str
    user: str
    url: str
    htmx: bool = False
    # What the page must show (a page that answered with something else was not measured).
    shows: str = ""
    # Asked through the API with the user's token rather than the session.
    token: bool = False


def pages() -> list[Page]:
    from django.db.models import Max
    from django_scopes import scopes_disabled

    from carecoop.care.models import Attendance
    from carecoop.core.pagination import keyset_cursor
    from carecoop.members.models import Membership, Person
    from carecoop.members.selectors import MEMBER_LIST_KEYS
    from carecoop.tenancy.models import Centre, Organisation

    with scopes_disabled():
        coop = Organisation.objects.get(slug="coop-001")
        members = Membership.objects.filter(coop=coop).count()
        # Deep in the list: the cursor of the "Next" link of the page that ends with the row
        # ``deep`` rows in, made as the page makes it, and the first row the page must show.
        deep = max(1, min(50_000, members // 2))
        in_order = Membership.objects.filter(coop=coop).select_related("person")
        last, first = in_order.order_by(*MEMBER_LIST_KEYS)[deep - 1 : deep + 1]
        cursor = keyset_cursor(last, keys=MEMBER_LIST_KEYS)
        # A real member somewhere in the middle of the register, searched three ways.
        middle = Membership.objects.filter(coop=coop, number=str(members // 2 + 7)).get()
        person = Person.objects.get(pk=middle.person_id)
        centre = (
            Centre.objects.filter(coop=coop, role__user__username="centre.facilitator")
            .order_by("pk")
            .first()
        )
        day = Attendance.objects.filter(coop=coop, centre=centre).aggregate(d=Max("date"))["d"]
    base = f"/c/{coop.slug}"
    return [
        Page("federation overview", "federation.officer", "/f/federation/"),
        Page("federation: members", "federation.officer", "/f/federation/members/"),
        Page(
            "federation: members by age",
            "federation.officer",
            "/f/federation/members/?element=CC_MEMBERS_AGE&page=5",
        ),
        Page("federation: work", "federation.officer", "/f/federation/work/"),
        Page("federation: care", "federation.officer", "/f/federation/care/"),
        Page(
            "federation: a cooperative's centres",
            "federation.officer",
            f"/f/federation/care/{coop.slug}/",
        ),
        Page("federation: what care costs", "federation.officer", "/f/federation/money/"),
        Page("cooperative home page", "coop.manager", f"{base}/"),
        Page("member list, page 1", "coop.manager", f"{base}/members/"),
        Page(
            f"member list, {deep:,} rows in",
            "coop.manager",
            f"{base}/members/?cursor={cursor}",
            shows=f"<td>{first.number}</td>",
        ),
        Page(
            "search by name",
            "coop.manager",
            f"{base}/members/?q={person.given_name}+{person.family_name}",
            htmx=True,
        ),
        Page(
            "search by phone",
            "coop.manager",
            f"{base}/members/?q={person.phone.replace('+91 ', '')}",
            htmx=True,
        ),
        Page("search by member number", "coop.manager", f"{base}/members/?q={middle.number}", True),
        Page(
            "centre attendance",
            "centre.facilitator",
            f"{base}/centres/{centre.pk}/attendance/?date={day}",
        ),
        Page("sustainability dashboard", "coop.manager", f"{base}/funding/"),
        Page("invoice list", "coop.manager", f"{base}/billing/invoices/"),
        # The API's member list answers within the same budget as the page.
        Page("API member list, page 1", "coop.manager", f"/api/v1{base}/members", token=True),
        Page(
            f"API member list, {deep:,} rows in",
            "coop.manager",
            f"/api/v1{base}/members?cursor={cursor}",
            shows=f'"number": "{first.number}"',
            token=True,
        ),
        Page(
            "API member search by name",
            "coop.manager",
            f"/api/v1{base}/members?q={person.given_name}+{person.family_name}",
            token=True,
        ),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure() -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from carecoop.api.services import token_create
    from carecoop.tenancy.selectors import access_for

    User = get_user_model()
    clients: dict[str, Client] = {}
    tokens: dict[str, str] = {}
    rows = []
    slowest = []
    for page in pages():
        if page.user not in clients:
            clients[page.user] = Client()
            clients[page.user].force_login(User.objects.get(username=page.user))
        client = clients[page.user]
        headers = {"HX-Request": "true"} if page.htmx else {}
        if page.token:
            if page.user not in tokens:
                user = User.objects.get(username=page.user)
                slug = page.url.split("/c/")[1].split("/")[0]
                access = access_for(user=user, slug=slug, cooperative=True)
                assert access is not None
                tokens[page.user] = token_create(access=access, name="bench")[1]
            headers = {"Authorization": f"Bearer {tokens[page.user]}"}
            client = Client()
        for _ in range(3):
            response = client.get(page.url, headers=headers)
            assert response.status_code == 200, (page.url, response.status_code)
        assert page.shows.encode() in response.content, (page.url, page.shows)
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            response = client.get(page.url, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (page.url, response.status_code)
        # The slowest query by its median time over three requests (one alone is noisy).
        captured = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                client.get(page.url, headers=headers)
            captured.append(queries.captured_queries)
        if len({len(c) for c in captured}) == 1:
            medians = [
                statistics.median(float(q["time"]) for q in same)
                for same in zip(*captured, strict=True)
            ]
        else:
            medians = [float(q["time"]) for q in captured[0]]
        worst_at = max(range(len(medians)), key=medians.__getitem__)
        worst = {"sql": captured[0][worst_at]["sql"], "time": medians[worst_at]}
        slowest.append((page, len(queries), worst))
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        rows.append((page, p50, p95, len(response.content), len(queries)))
    engine = "PostgreSQL" if POSTGRES else "SQLite"
    print(f"\nFederation pages on {engine} (server time, {RUNS} requests each after a warm-up)")
    print(f"  {'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'budget':>8} {'queries':>8}  result")
    ok = True
    for page, p50, p95, _size, n_queries in rows:
        within = p95 <= BUDGET_MS
        ok &= within
        print(
            f"  {page.label:<30} {p50:8.1f} {p95:8.1f} {'≤ ' + f'{BUDGET_MS:.0f}':>8} "
            f"{n_queries:8d}  {'ok' if within else 'OVER'}"
        )
    print(
        f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    print("\nSlowest query of each page")
    for page, _n, worst in slowest:
        text = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", " ".join(worst["sql"].split()))
        text = re.sub(
            r"IN \(([0-9, ]{40,})\)", lambda m: f"IN ({m[1].count(',') + 1} ids)", text
        ).replace('"', "")
        print(f"  {page.label:<30} {float(worst['time']) * 1000:8.1f} ms  {text[:400]}")
        if EXPLAIN:
            explain(worst["sql"])
    return ok


EXPORT_BUDGET_S = 10.0
EXPORT_RUNS = 3


def export_measure() -> bool:
    """The DHIS2 export of this year (every month counted, every cooperative), as its analyst
    downloads it: the median of three runs, each from a cold cache (the suppression of every
    month's tables is redone), against 10 s."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="federation.officer"))
    year = datetime.date.today().year
    times, size, values = [], 0, 0
    for _ in range(EXPORT_RUNS):
        cache.clear()
        t0 = time.perf_counter()
        response = client.get(f"/f/federation/dhis2/dataValueSets.json?year={year}")
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        values = response.content.count(b'"dataElement"')
    median = statistics.median(times)
    within = median <= EXPORT_BUDGET_S
    print(
        f"\nDHIS2 export of {year}: {values:,} data values, {size / 2**20:.1f} MB, median "
        f"{median:.2f} s of {EXPORT_RUNS} (runs {', '.join(f'{t:.2f}' for t in times)}), "
        f"budget {EXPORT_BUDGET_S:.0f} s: {'ok' if within else 'OVER'}"
    )
    return within


def explain(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        for row in cursor.fetchall():
            print("      " + " ".join(str(c) for c in row))
    print()


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return str(cursor.fetchone()[0])
    path = harness.ROOT / "var" / f"{NAME}{harness.SUFFIX}.sqlite3"
    return f"{path.stat().st_size / 2**20:.0f} MB"


def main() -> int:
    started = time.perf_counter()
    reused = open_database()
    if reused:
        print(f"Reusing {NAME}{harness.SUFFIX} ({marker()}); analysing", flush=True)
        analyse()
    else:
        seconds = build()
        print(f"Built in {seconds:.0f} s (with migrate: {time.perf_counter() - started:.0f} s)")
    print(f"Database size: {database_size()}")
    # The federation overview reads the counts the hourly job takes; take them as it would.
    from django.core.management import call_command

    # Half the cooperatives let the federation see their money figures too.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenancy_affiliation SET shares = CASE WHEN member_id % 2 = 0 THEN 'money' "
            "ELSE 'counts' END"
        )
    counting = time.perf_counter()
    call_command("federation_count")
    print(f"Counted by the federation's job in {time.perf_counter() - counting:.1f} s", flush=True)
    measured = time.perf_counter()
    ok = measure()
    ok &= export_measure()
    print(f"Measured in {time.perf_counter() - measured:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
