"""The texts the registry writes as data (``core.shipped``): the reasons it records itself in the
register of admissions and exits. They are stored in English and shown in the reader's language."""

from django.utils.translation import gettext_noop

from carecoop.core.shipped import labels

APPLICATION_RECEIVED = gettext_noop("Application received.")
ADMITTED_ON_REGISTRATION = gettext_noop("Admitted on registration.")

REASONS = labels("members.reasons", APPLICATION_RECEIVED, ADMITTED_ON_REGISTRATION)
