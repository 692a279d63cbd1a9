"""Every write about places, enrolment, bookings and attendance, by topic: centres (their hours,
closures, rooms and pools), children's records, applications and the allocation of places, and
enrolment with its bookings. Callers import them from here."""

from carecoop.care.services.centres import (
    centre_create,
    centre_update,
    closure_add,
    hours_on,
    opening_hours_clear,
    opening_hours_set,
    opening_week_set,
    pool_create,
    priority_set,
    room_create,
)
from carecoop.care.services.children import child_profile_save, collector_add
from carecoop.care.services.enrolment import (
    age_in_months,
    booking_set,
    child_booking_set,
    enrolment_create,
    enrolment_move,
    enrolment_move_due,
)
from carecoop.care.services.places import (
    AllocationResult,
    application_submit,
    candidates_for,
    offer_answer,
    offers_expire,
    places_allocate,
    places_allocate_cooperative,
    waitlist,
)

__all__ = [
    "AllocationResult",
    "age_in_months",
    "application_submit",
    "booking_set",
    "candidates_for",
    "centre_create",
    "centre_update",
    "child_booking_set",
    "child_profile_save",
    "closure_add",
    "collector_add",
    "enrolment_create",
    "enrolment_move",
    "enrolment_move_due",
    "hours_on",
    "offer_answer",
    "offers_expire",
    "opening_hours_clear",
    "opening_hours_set",
    "opening_week_set",
    "places_allocate",
    "places_allocate_cooperative",
    "pool_create",
    "priority_set",
    "room_create",
    "waitlist",
]
