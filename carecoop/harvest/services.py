"""Harvesting: the feeds the operator lists become sources, and each source's harvest is all or
nothing. A feed read and checked whole replaces its source's centres (a centre it no longer
lists is gone); a feed refused for any reason changes none of them and records why, in the
source and in one line of the log. One source never stops the others, and running the harvest
again only reads the feeds again."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from carecoop.harvest.feeds import Centre, FeedRefused, Limits, feed_read
from carecoop.harvest.models import HarvestedCentre, Source

log = logging.getLogger("carecoop.harvest")


def limits() -> Limits:
    return Limits(
        deadline=settings.CARECOOP_HARVEST_DEADLINE,
        max_bytes=settings.CARECOOP_HARVEST_MAX_BYTES,
        max_pages=settings.CARECOOP_HARVEST_MAX_PAGES,
        max_centres=settings.CARECOOP_HARVEST_MAX_CENTRES,
    )


@transaction.atomic
def sources_sync(*, urls: list[str]) -> list[Source]:
    """The sources are the feeds listed, in that order: a new address becomes a source, and a
    source no longer listed goes with its centres (the operator stopped showing that feed). An
    address that is not an http(s) URL is logged and left out."""
    valid = URLValidator(schemes=["http", "https"])
    wanted: list[str] = []
    for url in urls:
        try:
            valid(url)
        except ValidationError:
            log.warning("harvest: feed address %r left out: not an http(s) URL", url[:200])
            continue
        if len(url) <= 500 and url not in wanted:
            wanted.append(url)
    Source.objects.exclude(url__in=wanted).delete()
    known = {s.url: s for s in Source.objects.filter(url__in=wanted)}
    for url in wanted:
        if url not in known:
            known[url] = Source.objects.create(url=url)
    return [known[url] for url in wanted]


def source_harvest(*, source: Source, limit: Limits | None = None) -> bool:
    """Read ``source``'s feed and, when all of it is good, replace its centres; otherwise keep
    them and record why. True when harvested."""
    started = timezone.now()
    try:
        rows = _rows(source, feed_read(source.url, limit or limits()), started)
    except FeedRefused as refused:
        return _refused(source, started, str(refused))
    except Exception as error:  # a feed must never stop the harvest of others
        log.exception("harvest: %s failed unexpectedly", source.url)
        return _refused(source, started, f"failed unexpectedly ({type(error).__name__})")
    with transaction.atomic():
        # One harvest of a source at a time; a source taken off the list meanwhile is let go.
        if Source.objects.select_for_update().filter(pk=source.pk).first() is None:
            return False
        HarvestedCentre.objects.filter(source=source).delete()
        HarvestedCentre.objects.bulk_create(rows, batch_size=500)
        Source.objects.filter(pk=source.pk).update(
            last_attempt=started, last_success=started, last_error=""
        )
    log.info("harvest: %s gave %d centres", source.url, len(rows))
    return True


def _rows(source: Source, centres: list[Centre], seen: datetime) -> list[HarvestedCentre]:
    rows = [HarvestedCentre(source=source, last_seen=seen, **vars(c)) for c in centres]
    for row in rows:
        try:
            row.full_clean(exclude=["source"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            fields = ", ".join(sorted(error.message_dict))
            raise FeedRefused(
                f"a centre has values this installation cannot keep ({fields})"
            ) from None
    return rows


def _refused(source: Source, started: datetime, reason: str) -> bool:
    log.warning("harvest: %s refused: %s", source.url, reason)
    Source.objects.filter(pk=source.pk).update(last_attempt=started, last_error=reason[:1000])
    return False


@dataclass
class Harvest:
    harvested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def harvest(*, urls: list[str] | None = None) -> Harvest:
    """Harvest every feed listed (``CARECOOP_HARVEST_FEEDS`` unless given), one after the
    other: what ``manage.py directory_harvest`` runs."""
    listed = settings.CARECOOP_HARVEST_FEEDS if urls is None else urls
    done = Harvest()
    for source in sources_sync(urls=list(listed)):
        (done.harvested if source_harvest(source=source) else done.refused).append(source.url)
    return done
