"""The operations of the API, by topic. Each is thin, as a page's view is: it reads its
parameters, calls the selectors and services the pages call, and gives back plain values.
Which rows it sees is ``Access.restrict``, through those selectors; which fields, the same
permissions as the pages (contact details, sensitive fields)."""

import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from ninja import Header, Path, Query, Router
from ninja.errors import HttpError

from carecoop.api import schemas
from carecoop.api.access import access_of, operation
from carecoop.api.schemas import Day
from carecoop.billing import selectors as billing_selectors
from carecoop.billing import services as billing_services
from carecoop.billing.models import Invoice, Payment
from carecoop.care import attendance as attendance_rules
from carecoop.care import selectors as care_selectors
from carecoop.care import services as care_services
from carecoop.care.models import Enrolment
from carecoop.core.money import to_decimal
from carecoop.core.pagination import KeysetPage
from carecoop.core.permissions import Access
from carecoop.ledger import selectors as ledger_selectors
from carecoop.ledger.models import AccountKind
from carecoop.members import selectors as member_selectors
from carecoop.members.models import Household, MemberClass, Person, Relation
from carecoop.surveys import selectors as survey_selectors
from carecoop.surveys import services as survey_services
from carecoop.surveys import sms as survey_sms_service
from carecoop.tenancy.models import Centre

router = Router()

# Every path starts with the cooperative's short name (the router's prefix, ``/c/{coop}``).
Coop = Annotated[str, Path(description="The cooperative's short name.")]
# Keys are PostgreSQL's bigint: a larger number is no row's, and is refused as a bad value.
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# A row named in the query (a filter), if any.
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
# Text in a query: no NUL character (answered 400 before any operation runs: core/nul.py).
Cursor = Annotated[str, Query(max_length=200, pattern=schemas.NO_NUL)]
Text = Annotated[str, Query(max_length=100, pattern=schemas.NO_NUL)]
Status = Annotated[str, Query(max_length=20, pattern=schemas.NO_NUL)]


def _money(minor: int, currency: str) -> str:
    return str(to_decimal(minor, currency))


def _keyset(page: KeysetPage[Any], items: list[Any]) -> dict[str, Any]:
    return {
        "count": page.count,
        "more": page.more,
        "next": page.next_cursor or None,
        "previous": page.previous_cursor or None,
        "items": items,
    }


def _numbered(queryset: QuerySet[Any] | list[Any], number: int, item: Any) -> dict[str, Any]:
    page = Paginator(queryset, settings.CARECOOP_PAGE_SIZE).get_page(number)
    return {
        "count": page.paginator.count,
        "more": False,
        "next": str(page.next_page_number()) if page.has_next() else None,
        "previous": str(page.previous_page_number()) if page.has_previous() else None,
        "items": [item(row) for row in page.object_list],
    }


def _clock(time: datetime.time | None) -> str | None:
    return time.strftime("%H:%M") if time else None


def _one(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# Who is asking ---------------------------------------------------------------------------------


@router.get("/me", response=schemas.answers(schemas.Me), tags=["cooperative"])
@operation("coop.view")
def me(request: HttpRequest, coop: Coop) -> dict[str, Any]:
    """The user the call acts as, and their roles in this cooperative."""
    access = access_of(request)
    return {
        "username": access.user.get_username(),
        "cooperative": access.org.slug,
        "cooperative_name": access.org.name,
        "roles": sorted(access.roles),
        "currency": access.org.currency,
        "time_zone": access.org.time_zone,
        "language": request.LANGUAGE_CODE,
    }


# Members and households ------------------------------------------------------------------------


@router.get(
    "/members",
    response=schemas.answers(schemas.page_of(schemas.Member, "MemberPage")),
    tags=["members"],
)
@operation("members.list")
def members(
    request: HttpRequest,
    coop: Coop,
    q: Text = "",
    status: Status = "",
    member_class: IdFilter = None,
    cursor: Cursor = "",
) -> dict[str, Any]:
    """The members the role sees, by name, as the member list pages them (by cursor). ``q``
    matches every word against name, member number and, for the roles that see contact
    details, phone."""
    access = access_of(request)
    chosen = None
    if member_class is not None:
        # The class alone: the selector of the classes' page counts each one's members too.
        chosen = MemberClass.objects.filter(coop_id=access.coop_id, pk=member_class).first()
        if chosen is None:
            raise Http404
    page = member_selectors.member_page(
        access=access, cursor=cursor, query=q, status=status, member_class=chosen
    )
    contact = access.can("members.view_contact")
    items = [
        {
            "person_id": m.person_id,
            "number": m.number,
            "given_name": m.person.given_name,
            "family_name": m.person.family_name,
            "member_class": m.member_class.name,
            "status": m.status,
            "household": m.person.household.name if m.person.household else None,
            "centre": m.person.household.centre.name
            if m.person.household and m.person.household.centre
            else None,
            "reference": m.reference,
            "phone": m.person.phone if contact else None,
        }
        for m in page.object_list
    ]
    return _keyset(page, items)


def _person(access: Access) -> Any:
    contact = access.can("members.view_contact")
    sensitive = access.can("members.view_sensitive")
    children = access.can("care.view_children")

    def shown(p: Person) -> dict[str, Any]:
        child = p.household_relation == Relation.CHILD
        return {
            "id": p.pk,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "household_id": p.household_id,
            "household_relation": p.household_relation,
            "phone": p.phone if contact else None,
            "sex": p.sex if sensitive else None,
            "date_of_birth": p.date_of_birth if sensitive or (child and children) else None,
        }

    return shown


@router.get("/people/{pk}", response=schemas.answers(schemas.Person), tags=["members"])
@operation("members.view")
def person(request: HttpRequest, coop: Coop, pk: Id) -> dict[str, Any]:
    """One person the role sees: a member, a child or a guardian."""
    access = access_of(request)
    found: Person = member_selectors.person_get(access=access, pk=pk)
    return _person(access)(found)


@router.get(
    "/households",
    response=schemas.answers(schemas.page_of(schemas.Household, "HouseholdPage")),
    tags=["members"],
)
@operation("members.view")
def households(request: HttpRequest, coop: Coop, page: PageNumber = 1) -> dict[str, Any]:
    """The households the role sees, by name."""
    access = access_of(request)
    return _numbered(
        member_selectors.households(access=access).order_by("name", "pk"), page, _household
    )


def _household(h: Household) -> dict[str, Any]:
    return {"id": h.pk, "name": h.name, "centre_id": h.centre_id}


@router.get("/households/{pk}", response=schemas.answers(schemas.HouseholdDetail), tags=["members"])
@operation("members.view")
def household(request: HttpRequest, coop: Coop, pk: Id) -> dict[str, Any]:
    """A household and the people of it that the role sees."""
    access = access_of(request)
    found: Household = _one(member_selectors.households(access=access), pk)
    people = access.restrict(Person.objects.filter(household_id=found.pk)).order_by("pk")[:200]
    shown = _person(access)
    return {**_household(found), "people": [shown(p) for p in people]}


# Centres, children, enrolments, attendance -----------------------------------------------------


def _centre(c: Centre) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "city": c.city,
        "licensed_capacity": c.licensed_capacity,
        "opens_at": c.opens_at.strftime("%H:%M"),
        "closes_at": c.closes_at.strftime("%H:%M"),
    }


@router.get(
    "/centres",
    response=schemas.answers(schemas.page_of(schemas.Centre, "CentrePage")),
    tags=["care"],
)
@operation("care.view_centres")
def centres(request: HttpRequest, coop: Coop, page: PageNumber = 1) -> dict[str, Any]:
    """The cooperative's centres the role sees, by name."""
    access = access_of(request)
    return _numbered(access.restrict(Centre.objects.all()).order_by("name", "pk"), page, _centre)


@router.get("/centres/{pk}", response=schemas.answers(schemas.CentreDetail), tags=["care"])
@operation("care.view_centres")
def centre(request: HttpRequest, coop: Coop, pk: Id) -> dict[str, Any]:
    """A centre and its rooms."""
    access = access_of(request)
    found = care_selectors.centre_get(access=access, pk=pk)
    rooms = found.rooms.filter(coop_id=access.coop_id).order_by("min_age_months", "pk")
    return {
        **_centre(found),
        "rooms": [
            {
                "id": r.pk,
                "name": r.name,
                "min_age_months": r.min_age_months,
                "max_age_months": r.max_age_months,
                "capacity": r.capacity,
            }
            for r in rooms
        ],
    }


@router.get(
    "/children",
    response=schemas.answers(schemas.page_of(schemas.Child, "ChildPage")),
    tags=["care"],
)
@operation("care.view_children")
def children(request: HttpRequest, coop: Coop, page: PageNumber = 1) -> dict[str, Any]:
    """The children the role sees (a facilitator's centres, a member's household), by name."""
    access = access_of(request)
    found = care_selectors.children_of(access=access).order_by("family_name", "given_name", "pk")
    return _numbered(
        found,
        page,
        lambda p: {
            "id": p.pk,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "date_of_birth": p.date_of_birth,
            "household_id": p.household_id,
        },
    )


@router.get(
    "/enrolments",
    response=schemas.answers(schemas.page_of(schemas.Enrolment, "EnrolmentPage")),
    tags=["care"],
)
@operation("care.view_children")
def enrolments(
    request: HttpRequest,
    coop: Coop,
    centre: IdFilter = None,
    on: Day | None = None,
    page: PageNumber = 1,
) -> dict[str, Any]:
    """Enrolments the role sees, of one centre if given, current on ``on`` if given."""
    access = access_of(request)
    found: QuerySet[Enrolment] = access.restrict(Enrolment.objects.all())
    if centre is not None:
        found = found.filter(centre_id=centre)
    if on is not None:
        found = found.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return _numbered(
        found.order_by("-starts_on", "pk"),
        page,
        lambda e: {
            "id": e.pk,
            "child_id": e.child_id,
            "centre_id": e.centre_id,
            "room_id": e.room_id,
            "starts_on": e.starts_on,
            "ends_on": e.ends_on,
            "days": e.days,
        },
    )


@router.get(
    "/centres/{pk}/waitlist",
    response=schemas.answers(schemas.page_of(schemas.Waiting, "WaitingPage")),
    tags=["care"],
)
@operation("care.view_waitlist")
def waitlist(request: HttpRequest, coop: Coop, pk: Id, page: PageNumber = 1) -> dict[str, Any]:
    """A centre's waitlist as the allocation ranks it today, as its page shows it: each child
    waiting, her place in the line, her priority points, and whether the next allocation offers
    her a place (``next``), passes her over for a child a reserved place is kept for
    (``skipped``) or has no place for her yet (``waiting``)."""
    access = access_of(request)
    centre = care_selectors.centre_get(access=access, pk=pk)
    explained = care_services.waitlist_explained(centre, timezone.localdate())
    found = _numbered(explained.rows, page, lambda row: row)
    applications = care_selectors.applications_in_bulk(
        centre=centre, ids=[row.ranked.candidate.id for row in found["items"]]
    )
    found["items"] = [
        {
            "position": row.position,
            "application_id": row.ranked.candidate.id,
            "child_id": applications[row.ranked.candidate.id].child_id,
            "applied_on": row.ranked.candidate.applied_on,
            "points": row.ranked.points,
            "standing": str(row.standing),
        }
        for row in found["items"]
    ]
    return found


@router.get(
    "/centres/{pk}/attendance", response=schemas.answers(schemas.AttendanceDay), tags=["care"]
)
@operation("care.record_attendance")
def attendance(request: HttpRequest, coop: Coop, pk: Id, date: Day | None = None) -> dict[str, Any]:
    """A day's sheet of a centre where the user records attendance: the children expected and
    what is recorded of them."""
    access = access_of(request)
    found = care_selectors.centre_get(access=access, pk=pk, working=True)
    day = date or timezone.localdate()
    rows = care_selectors.attendance_sheet(centre=found, on=day)
    return {
        "centre_id": found.pk,
        "date": day,
        "children": [
            {
                "child_id": row.enrolment.child_id,
                "child": row.enrolment.child.full_name,
                "room": row.enrolment.room.name,
                "checked_in_at": _clock(row.attendance.checked_in_at if row.attendance else None),
                "brought_by": row.attendance.brought_by if row.attendance else "",
                "checked_out_at": _clock(row.attendance.checked_out_at if row.attendance else None),
                "collected_by": row.attendance.collected_by if row.attendance else "",
                "absence": row.attendance.absence if row.attendance else "",
            }
            for row in rows
        ],
    }


@router.post(
    "/attendance/sync",
    response=schemas.answers(schemas.SyncOut),
    tags=["care"],
    url_name="attendance_sync",  # The attendance page sends its outbox here.
)
@operation("care.record_attendance")
def attendance_sync(request: HttpRequest, coop: Coop, body: schemas.SyncIn) -> dict[str, Any]:
    """Apply attendance recorded offline. Each operation is applied exactly once, whatever the
    order and however often it is sent: an operation id already applied answers "duplicate"."""
    access = access_of(request)
    results = attendance_rules.sync_apply(
        coop=access.org,
        by=access.user,
        centre_ids=care_selectors.working_centre_ids(access),
        operations=list(body.operations),
    )
    return {"results": [r.__dict__ for r in results]}


@router.post(
    "/surveys/sync",
    response=schemas.answers(schemas.SurveySyncOut),
    tags=["surveys"],
    url_name="survey_sync",  # The survey page sends its outbox here.
)
@operation("surveys.collect")
def survey_sync(request: HttpRequest, coop: Coop, body: schemas.SurveySyncIn) -> dict[str, Any]:
    """Record survey answers given offline. Each submission is recorded once, whatever the
    order and however often it is sent: one already recorded answers "duplicate"."""
    access = access_of(request)
    results = survey_services.responses_sync(
        coop=access.org,
        by=access.user,
        respondent_of=lambda number: survey_selectors.respondent_by_number(
            access=access, number=number
        ),
        submissions=list(body.submissions),
    )
    return {"results": [r.__dict__ for r in results]}


@router.post(
    "/surveys/sms",
    response=schemas.answers(schemas.SmsOut),
    tags=["surveys"],
    url_name="survey_sms",
)
@operation("surveys.manage")
def survey_sms(request: HttpRequest, coop: Coop, body: schemas.SmsIn) -> dict[str, Any]:
    """A member's text message, as the cooperative's SMS gateway received it: read as her
    answer to the survey question she was asked by text, and the next one sent."""
    access = access_of(request)
    received = survey_sms_service.sms_receive(
        coop=access.org,
        by=access.user,
        phone=body.sender,
        text=body.text,
        message_id=body.message_id,
    )
    return {"status": received.status}


# Invoices and payments -------------------------------------------------------------------------


def _invoice(i: Invoice) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "month": i.month,
        "household_id": i.household_id,
        "household": i.household.name,
        "centre_id": i.centre_id,
        "currency": i.currency,
        "total": _money(i.total_minor, i.currency),
        "paid": _money(i.paid_minor, i.currency),
        "waived": _money(i.waived_minor, i.currency),
        "due": _money(i.due_minor, i.currency),
        "status": i.status,
        "issued_on": i.issued_on,
        "due_on": i.due_on,
    }


def _payment(p: Payment) -> dict[str, Any]:
    return {
        "id": p.pk,
        "invoice_id": p.invoice_id,
        "receipt_number": p.receipt_number,
        "method": p.method,
        "amount": _money(p.amount_minor, p.currency),
        "currency": p.currency,
        "received_on": p.received_on,
        "reference": p.reference,
        "payer": p.payer,
        "reversed": p.reversal_id is not None,
    }


@router.get(
    "/invoices",
    response=schemas.answers(schemas.page_of(schemas.Invoice, "InvoicePage")),
    tags=["billing"],
)
@operation("billing.view")
def invoices(
    request: HttpRequest,
    coop: Coop,
    month: Day | None = None,
    status: Status = "",
    cursor: Cursor = "",
) -> dict[str, Any]:
    """Invoices, the newest month first, by number (paged by cursor); of ``month`` (any day of
    it) and ``status`` (open, paid, cancelled) if given."""
    access = access_of(request)
    page = billing_selectors.invoice_page(access=access, month=month, status=status, cursor=cursor)
    return _keyset(page, [_invoice(i) for i in page.object_list])


@router.get("/invoices/{pk}", response=schemas.answers(schemas.InvoiceDetail), tags=["billing"])
@operation("billing.see_invoice")
def invoice(request: HttpRequest, coop: Coop, pk: Id) -> dict[str, Any]:
    """An invoice with its lines and payments (a member: her household's only)."""
    access = access_of(request)
    found = billing_selectors.invoice_get(access=access, pk=pk)
    lines = found.lines.filter(coop_id=access.coop_id).order_by("description", "pk")[:200]
    payments = found.payments.filter(coop_id=access.coop_id).order_by("received_on", "pk")[:200]
    return {
        **_invoice(found),
        "lines": [
            {
                "description": line.description,
                "child_id": line.child_id,
                "monthly_fee": _money(line.full_minor, found.currency),
                "days": line.days,
                "month_days": line.month_days,
            }
            for line in lines
        ],
        "payments": [_payment(p) for p in payments],
    }


@router.post(
    "/invoices/{pk}/payments",
    response=schemas.answers(schemas.Payment, status=201),
    tags=["billing"],
)
@operation("billing.record_payment")
def payment_record(
    request: HttpRequest,
    coop: Coop,
    pk: Id,
    body: schemas.PaymentIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=64)] = "",
) -> tuple[int, dict[str, Any]]:
    """Record a payment against an invoice and post it to the books. It is recorded once: the
    same ``Idempotency-Key`` (any unique text, such as a UUID made by the caller, needed for
    cash), or the same provider reference, answers the payment already recorded."""
    access = access_of(request)
    found = billing_selectors.invoice_get(access=access, pk=pk)
    recorded = billing_services.payment_record(
        invoice=found,
        by=access.user,
        method=body.method,
        amount=body.amount,
        received_on=body.received_on,
        reference=body.reference,
        payer=body.payer,
        key=f"api:{idempotency_key}" if idempotency_key else "",
    )
    return 201, _payment(recorded)


@router.get(
    "/payments",
    response=schemas.answers(schemas.page_of(schemas.Payment, "PaymentPage")),
    tags=["billing"],
)
@operation("billing.view")
def payments(
    request: HttpRequest, coop: Coop, month: Day | None = None, page: PageNumber = 1
) -> dict[str, Any]:
    """Payments received, the newest first; in ``month`` (any day of it) if given."""
    access = access_of(request)
    found: QuerySet[Payment] = access.restrict(Payment.objects.all())
    if month is not None:
        found = found.filter(received_on__year=month.year, received_on__month=month.month)
    return _numbered(found.order_by("-received_on", "-pk"), page, _payment)


@router.post(
    "/payments/notify/{provider}",
    auth=None,
    response=schemas.answers(schemas.NotifiedOut),
    tags=["billing"],
    url_name="payment_notify",
)
def payment_notify(
    request: HttpRequest,
    coop: Coop,
    provider: Annotated[str, Path(description="The provider's name, as set up in carecoop.")],
    body: schemas.NotificationIn,
    signature: Annotated[str, Header(alias="X-Carecoop-Signature", max_length=300)] = "",
) -> dict[str, Any]:
    """A payment provider tells of a payment as it is made. The call is signed, not made with a
    token: ``X-Carecoop-Signature: t=<unix time>,v1=<HMAC-SHA256 of "<unix time>." and the body,
    keyed with the provider's secret>``. The payment is matched to an invoice as a statement
    line is and recorded once; the same reference sent again answers "duplicate"."""
    found = billing_selectors.provider_by_name(coop=coop, name=provider)
    if found is None:
        raise Http404
    if not billing_services.signature_valid(found, signature, request.body):
        raise HttpError(401, _("The signature of this call is missing, wrong or too old."))
    with (
        scope(coop=found.coop_id),
        timezone.override(ZoneInfo(found.coop.time_zone)),
    ):
        result = billing_services.notification_record(
            provider=found, line={**body.dict(), "date": body.date.isoformat()}
        )
    return result.__dict__


# The books -------------------------------------------------------------------------------------


@router.get(
    "/ledger/trial-balance", response=schemas.answers(schemas.TrialBalance), tags=["ledger"]
)
@operation("ledger.view")
def trial_balance(request: HttpRequest, coop: Coop, until: Day | None = None) -> dict[str, Any]:
    """Every account's balance up to ``until`` (included), or to date."""
    access = access_of(request)
    statement = ledger_selectors.trial_balance(coop=access.org, until=until)
    currency = statement.currency
    return {
        "currency": currency,
        "until": until,
        "accounts": [
            {
                "code": b.account.code,
                "name": b.account.name,
                "kind": b.account.kind,
                "debit": _money(b.debit_balance_minor, currency),
                "credit": _money(b.credit_balance_minor, currency),
            }
            for b in statement.sections["accounts"]
        ],
        "total_debit": _money(statement.totals["debit"], currency),
        "total_credit": _money(statement.totals["credit"], currency),
        "balanced": statement.balanced,
    }


@router.get(
    "/ledger/income-statement", response=schemas.answers(schemas.IncomeStatement), tags=["ledger"]
)
@operation("ledger.view")
def income_statement(
    request: HttpRequest,
    coop: Coop,
    since: Day | None = None,
    until: Day | None = None,
) -> dict[str, Any]:
    """Income and expenses from ``since`` to ``until`` (both included; open ends when not
    given), and the result."""
    access = access_of(request)
    statement = ledger_selectors.income_statement(coop=access.org, since=since, until=until)
    currency = statement.currency

    def lines(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "code": b.account.code,
                "name": b.account.name,
                "amount": _money(b.natural_minor, currency),
            }
            for b in statement.sections[kind]
        ]

    return {
        "currency": currency,
        "since": since,
        "until": until,
        "income": lines(AccountKind.INCOME),
        "expense": lines(AccountKind.EXPENSE),
        "total_income": _money(statement.totals["income"], currency),
        "total_expense": _money(statement.totals["expense"], currency),
        "result": _money(statement.result_minor, currency),
    }
