"""What the API's operations take and give back. Money is a decimal string in the currency's
units ("175.00"), as exact as the books; dates are ISO 8601."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, create_model


def _iso_day(value: Any) -> Any:
    """Only a date written 2026-06-30 is a date here (not a number of seconds, as pydantic would
    read one otherwise)."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError("not a date written YYYY-MM-DD")
    return value


# Text: no NUL character (no column stores one).
NO_NUL = r"^[^\x00]*$"
# A day, written as ISO 8601 does: 2026-06-30.
Day = Annotated[datetime.date, BeforeValidator(_iso_day)]
# A time of day, to the minute: 08:30.
Clock = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")]


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    """Every refusal: what is wrong, in the caller's language, and the fields it concerns."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)


# The answers every operation of a cooperative may give besides its own.
REFUSALS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: Error,
    429: Error,
}


def answers(ok: Any, status: int = 200) -> dict[int, Any]:
    return {status: ok, **REFUSALS}


class PageOut(Schema):
    """A page of a list. ``next`` and ``previous`` are what to send as ``cursor`` (lists paged
    by cursor) or ``page`` (lists paged by number) for the neighbouring pages; null at an end.
    ``more`` says the count stopped at a cap (a search that matches very many)."""

    count: int
    more: bool = False
    next: str | None = None
    previous: str | None = None


def page_of(item: type[Schema], name: str) -> type[PageOut]:
    return create_model(name, __base__=PageOut, items=(list[item], ...))  # type: ignore[valid-type]


class Me(Schema):
    username: str
    cooperative: str
    cooperative_name: str
    roles: list[str]
    currency: str
    time_zone: str
    language: str


class Member(Schema):
    person_id: int
    number: str
    given_name: str
    family_name: str
    member_class: str
    status: str
    household: str | None
    centre: str | None
    reference: str
    phone: str | None = Field(description="Only for the roles that see contact details.")


class Person(Schema):
    id: int
    given_name: str
    family_name: str
    household_id: int | None
    household_relation: str
    phone: str | None = Field(description="Only for the roles that see contact details.")
    sex: str | None = Field(description="Only for the roles that see sensitive fields.")
    date_of_birth: datetime.date | None = Field(
        description="A child's for the roles that see children; an adult's only for the roles "
        "that see sensitive fields."
    )


class Household(Schema):
    id: int
    name: str
    centre_id: int | None


class HouseholdDetail(Household):
    people: list[Person]


class Room(Schema):
    id: int
    name: str
    min_age_months: int
    max_age_months: int
    capacity: int


class Centre(Schema):
    id: int
    code: str
    name: str
    city: str
    licensed_capacity: int
    opens_at: Clock
    closes_at: Clock


class CentreDetail(Centre):
    rooms: list[Room]


class Child(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    household_id: int | None


class Enrolment(Schema):
    id: int
    child_id: int
    centre_id: int
    room_id: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    days: str


class Waiting(Schema):
    position: int
    application_id: int
    child_id: int
    applied_on: datetime.date
    points: int
    standing: Literal["next", "skipped", "waiting"]


class AttendanceRow(Schema):
    child_id: int
    child: str
    room: str
    checked_in_at: Clock | None
    brought_by: str
    checked_out_at: Clock | None
    collected_by: str
    absence: str


class AttendanceDay(Schema):
    centre_id: int
    date: datetime.date
    children: list[AttendanceRow]


class SyncIn(Schema):
    """Operations recorded offline, as the attendance page records them: ``op_id`` (a UUID made
    on the phone), ``kind`` (check_in, check_out or absent), ``child``, ``centre``, ``date``,
    ``time`` and, by kind, ``brought_by``, ``collector``, ``collector_name``, ``override`` or
    ``reason``. An operation id sent twice is applied once."""

    operations: list[dict[str, Any]] = Field(max_length=5000)


class SyncResult(Schema):
    op_id: str
    status: str = Field(description="applied, duplicate, conflict or rejected")
    message: str


class SyncOut(Schema):
    results: list[SyncResult]


class SurveySyncIn(Schema):
    """Survey submissions kept on a phone while offline, as the survey page keeps them:
    ``instance_id`` (ODK's "uuid:" and a UUID, made on the phone), ``round`` (its id),
    ``member`` (the member's number), ``answered_on`` and ``answers`` (by question name, a
    repeat's as a list). A submission sent twice is recorded once."""

    submissions: list[dict[str, Any]] = Field(max_length=500)


class SurveySyncResult(Schema):
    instance_id: str
    status: str = Field(description="recorded, duplicate or rejected")
    message: str


class SurveySyncOut(Schema):
    results: list[SurveySyncResult]


class SmsIn(Schema):
    """A text message the SMS gateway received: who sent it (``from``: her phone number), what
    it says, and the gateway's own id for it (a message delivered twice is read once)."""

    sender: str = Field(alias="from", max_length=32, pattern=NO_NUL)
    text: str = Field(max_length=1000, pattern=NO_NUL)
    message_id: str = Field(min_length=1, max_length=100, pattern=NO_NUL)


class SmsOut(Schema):
    status: str = Field(
        description="answered, asked again, finished, duplicate, or unknown (no conversation "
        "waits for this phone)"
    )


class Invoice(Schema):
    id: int
    number: str
    month: datetime.date
    household_id: int
    household: str
    centre_id: int
    currency: str
    total: str
    paid: str
    waived: str
    due: str
    status: str
    issued_on: datetime.date
    due_on: datetime.date


class InvoiceLine(Schema):
    description: str
    child_id: int
    monthly_fee: str
    days: int
    month_days: int


class Payment(Schema):
    id: int
    invoice_id: int
    receipt_number: str
    method: str
    amount: str
    currency: str
    received_on: datetime.date
    reference: str
    payer: str
    reversed: bool


class InvoiceDetail(Invoice):
    lines: list[InvoiceLine]
    payments: list[Payment]


class PaymentIn(Schema):
    method: str = Field(max_length=10, pattern=NO_NUL, description="cash, mobile or bank")
    amount: str = Field(
        max_length=30, pattern=NO_NUL, description="In the invoice's currency, e.g. 175.00"
    )
    received_on: Day
    reference: str = Field(
        "", max_length=80, pattern=NO_NUL, description="The provider's reference"
    )
    payer: str = Field("", max_length=200, pattern=NO_NUL)


class AccountBalance(Schema):
    code: str
    name: str
    kind: str
    debit: str
    credit: str


class TrialBalance(Schema):
    currency: str
    until: datetime.date | None
    accounts: list[AccountBalance]
    total_debit: str
    total_credit: str
    balanced: bool


class IncomeLine(Schema):
    code: str
    name: str
    amount: str


class IncomeStatement(Schema):
    currency: str
    since: datetime.date | None
    until: datetime.date | None
    income: list[IncomeLine]
    expense: list[IncomeLine]
    total_income: str
    total_expense: str
    result: str


class NotificationIn(Schema):
    """A payment as the provider saw it: the columns of a line of its statement."""

    date: Day
    reference: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    amount: str = Field(max_length=30, pattern=NO_NUL, description="e.g. 175.00")
    currency: str = Field("", max_length=3, pattern=NO_NUL)
    payer: str = Field("", max_length=200, pattern=NO_NUL)
    phone: str = Field("", max_length=30, pattern=NO_NUL)
    message: str = Field(
        "", max_length=300, pattern=NO_NUL, description="The payer's text, with the invoice number"
    )


class NotifiedOut(Schema):
    status: str = Field(description="recorded, duplicate or unmatched")
    receipt_number: str
    message: str
