"""The texts health ships as data (``core.shipped``): the names of the vaccination schedules in
``schedules/*.json``, of their vaccines and of their doses, marked here so that ``makemessages``
collects them (it does not read JSON). The files hold them in English; they are shown in the
reader's language. A dose numbered with figures only ("1", "2") is not a word and is not listed.
``core/tests/test_catalogues.py`` fails when a file's text is missing here."""

from django.utils.translation import gettext_noop as _

from carecoop.core.shipped import labels

SCHEDULES = labels(
    "health.schedules",
    _("India: Universal Immunization Programme"),
    _("Brazil: National Immunization Programme (children's calendar)"),
)

VACCINES = labels(
    "health.vaccines",
    # Translators: the names of vaccines, as a country's health workers know them; an
    # abbreviation (BCG, OPV, DPT, PCV, fIPV) is usually kept.
    _("BCG"),
    _("DPT"),
    _("DTP"),
    _("fIPV"),
    _("Hepatitis A"),
    _("Hepatitis B"),
    _("Human rotavirus"),
    # Translators: Brazil's calendar says "VIP (poliomielite inativada)".
    _("IPV (inactivated polio)"),
    _("Measles-Rubella"),
    # Translators: Brazil's calendar says "Meningocócica C".
    _("Meningococcal C"),
    # Translators: Brazil's calendar says "Tríplice viral (SCR)".
    _("MMR (measles, mumps, rubella)"),
    # Translators: Brazil's calendar says "Tetra viral (SCRV)".
    _("MMRV (measles, mumps, rubella, varicella)"),
    _("OPV"),
    _("PCV"),
    # Translators: Brazil's calendar says "Penta (DTP/Hib/HB)".
    _("Penta (DTP/Hib/HepB)"),
    _("Pentavalent"),
    # Translators: Brazil's calendar says "Pneumocócica 10-valente".
    _("Pneumococcal 10-valent"),
    _("Rotavirus"),
    _("Varicella"),
    _("Yellow fever"),
)

DOSES = labels(
    "health.doses",
    # Translators: a dose of a vaccine, shown after the vaccine's name.
    _("Birth dose"),
    _("Booster"),
    _("Booster 1"),
    _("Booster 2"),
    _("Single dose"),
)
