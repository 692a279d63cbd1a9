"""Limits on every file imported through a form: its size and its number of rows.

A statement of a month's mobile-money payments for a large cooperative is a few hundred kilobytes
and a few thousand rows; a file far beyond that is a mistake or an attack, and is refused before it
is parsed, with a message that says what to do. The limits are settings
(``CARECOOP_IMPORT_MAX_BYTES``, ``CARECOOP_IMPORT_MAX_ROWS``), read from the environment."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def import_within_limits(upload: UploadedFile) -> None:
    """Validator for an import's file field: at most ``CARECOOP_IMPORT_MAX_BYTES`` bytes and
    ``CARECOOP_IMPORT_MAX_ROWS`` rows after the header line. Leaves the file readable from its
    start. Rows are counted as lines, so a quoted value that spans lines counts more than once."""
    max_bytes = int(settings.CARECOOP_IMPORT_MAX_BYTES)
    max_rows = int(settings.CARECOOP_IMPORT_MAX_ROWS)
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            _(
                "The file is %(size)s, larger than the %(limit)s an import may be. Split it into "
                "smaller files and import them one after the other."
            )
            % {"size": filesizeformat(upload.size or 0), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    lines, last = 0, b"\n"
    for chunk in upload.chunks():
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if lines - 1 > max_rows:
            break
    if last != b"\n":
        lines += 1  # the last line has no line break
    upload.seek(0)
    if lines - 1 > max_rows:
        raise ValidationError(
            _(
                "The file has more than %(limit)s rows, more than an import may have. Split it "
                "into smaller files and import them one after the other."
            )
            % {"limit": max_rows},
            code="too_many_rows",
        )
