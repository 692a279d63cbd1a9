"""Numbers given out in order, per cooperative: one table, one lock, gap-free within a commit.

A number is taken under a row lock on the sequence, held until the transaction ends, so two
writers at once wait for each other and never take the same number, and a rolled-back write gives
its numbers back. Call these inside the transaction that records what is numbered."""

from django.db import IntegrityError, transaction

from carecoop.core.models import Counter


def _locked(coop_id: int, key: str) -> Counter:
    counter = Counter.objects.select_for_update().filter(coop_id=coop_id, key=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(coop_id=coop_id, key=key, value=0)
        except IntegrityError:
            pass  # Created by someone else just now: lock theirs.
        counter = Counter.objects.select_for_update().get(coop_id=coop_id, key=key)
    return counter


@transaction.atomic
def numbers_reserve(*, coop_id: int, key: str, count: int) -> list[int]:
    """``count`` consecutive numbers of a sequence."""
    counter = _locked(coop_id, key)
    first = counter.value + 1
    counter.value += count
    counter.save(update_fields=["value"])
    return list(range(first, first + count))


def number_next(*, coop_id: int, key: str) -> int:
    """The next number of a sequence."""
    return numbers_reserve(coop_id=coop_id, key=key, count=1)[0]


def sequence_lock(*, coop_id: int, key: str) -> None:
    """Hold a sequence's lock without taking a number: writers that must go one at a time (the
    solidarity fund's gifts and waivers) queue on it until the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("A sequence lock needs a transaction.")
    _locked(coop_id, key)
