"""The texts staffing ships as data (``core.shipped``): the names and notes of the ratio rule sets
in ``rulesets/*.json``, marked here so that ``makemessages`` collects them (it does not read
JSON). They are stored in English, as in the files, and shown in the reader's language;
``core/tests/test_catalogues.py`` fails when a file's text is missing here."""

from django.utils.translation import gettext_noop as _

from carecoop.core.shipped import labels

RULE_SETS = labels(
    "staffing.rule_sets",
    # Translators: the title of a Brazilian publication; keep the Portuguese title, translate the rest.
    _("Parâmetros Nacionais de Qualidade para a Educação Infantil (Brazil, MEC), 2006"),
    _(
        "MEC quality parameters: 6 to 8 children per teacher from 0 to 2 years (7 used here, the "
        "middle of the range), 15 children per teacher at 3 years, 20 from 4 years. No group "
        "ceilings are given."
    ),
    _("Early Childhood Education and Care Act (Finland), 2018"),
    _(
        "Varhaiskasvatuslaki 540/2018 and decree 753/2018: one carer for 4 children under 3 and "
        "for 7 children from 3 years, computed as points: a child under 3 weighs 1.75, a child "
        "from 3 weighs 1, a carer covers 7 points. A child with special needs weighs 2 here."
    ),
    _("National Creche Scheme (India), 2017"),
    _(
        "Ministry of Women and Child Development, National Creche Scheme guidelines (2017): a "
        "creche of up to 25 children has one creche worker and one helper. Required carers count "
        "creche workers; helpers are reported separately."
    ),
    _("Caring for Our Children, 4th edition (United States)"),
    _(
        "Caring for Our Children (AAP, APHA, NRC), standard 1.1.1.2: 3:1 up to 12 months (group "
        "of 6), 4:1 from 13 to 35 months (group of 8), 7:1 at 3 years (group of 14), 8:1 at 4 and "
        "5 years (group of 16). In a mixed-age group the ratio and group size of the youngest "
        "child apply."
    ),
)
