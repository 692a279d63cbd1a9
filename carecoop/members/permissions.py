from django.db.models import Q
from django.utils import timezone

from carecoop.core.permissions import (
    CentreRule,
    is_auditor,
    is_board,
    is_coop_insider,
    is_facilitator,
    is_manager,
    is_treasurer,
    reach,
    rule_set,
)
from carecoop.members.models import (
    Guardianship,
    Household,
    MemberClass,
    Membership,
    Person,
    StatusChange,
    ViewLog,
    WorkRecord,
)

# Who may open the registry at all; what each role then sees is narrowed in selectors.
rule_set.add_rule("members.list", is_coop_insider)
rule_set.add_rule("members.view", is_coop_insider)
rule_set.add_rule("members.change", is_manager)
# The register as a file: the office's roles and a facilitator (her centres' rows only).
rule_set.add_rule(
    "members.export", is_manager | is_board | is_treasurer | is_auditor | is_facilitator
)
rule_set.add_rule("members.view_sensitive", is_manager)
rule_set.add_rule("members.view_history", is_manager | is_auditor)
rule_set.add_rule("members.view_classes", is_manager | is_board | is_treasurer | is_auditor)
rule_set.add_rule("members.view_contact", is_manager | is_board | is_treasurer | is_facilitator)


def through_person(path: str = "") -> CentreRule:
    """How a person (the row itself, or the one at ``path``) reaches a facilitator's centres: an
    adult through her household's centre, a child through a current or coming enrolment only, so
    a child who has left the centre is no longer seen there."""
    prefix = f"{path}__" if path else ""

    def rule(centre_ids: frozenset[int]) -> Q:
        today = timezone.localdate()
        # Through the reverse side of the care app's enrolments (one join, one enrolment: the
        # conditions of one filter() call hold for the same row), not an import of the app above.
        enrolled = Person.objects.filter(
            Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today),
            enrolments__centre_id__in=centre_ids,
        ).values("pk")
        adults = Q(**{f"{prefix}household__centre_id__in": centre_ids}) & ~Q(
            **{f"{prefix}household_relation": "child"}
        )
        return adults | Q(**{f"{path}__in" if path else "pk__in": enrolled})

    return rule


# How each model's rows reach a centre and a household (see core.permissions.Reach).
reach(MemberClass, personal=False)
reach(Household, centre="centre_id", household="pk")
reach(Person, centre=through_person(), household="household_id")
reach(Membership, centre=through_person("person"), household="person__household_id")
reach(
    StatusChange,
    centre=through_person("membership__person"),
    household="membership__person__household_id",
)
reach(Guardianship, centre=through_person("child"), household="child__household_id")
reach(WorkRecord, centre=through_person("person"), household="person__household_id")
# Who viewed personal data: read by the manager alone, on the privacy pages.
reach(ViewLog)
