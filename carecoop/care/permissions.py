from carecoop.care.models import (
    Application,
    Attendance,
    AuthorisedCollector,
    Booking,
    ChildProfile,
    Closure,
    Enrolment,
    OpeningHours,
    PriorityRule,
    Room,
    SeatPool,
    SeatPoolClass,
    SyncOperation,
)
from carecoop.core.permissions import (
    has_role,
    is_coop_insider,
    is_facilitator,
    is_manager,
    is_member,
    reach,
    rule_set,
)
from carecoop.members.permissions import through_person

rule_set.add_rule("care.view_centres", is_coop_insider)
rule_set.add_rule("care.manage", is_manager)
# Children's care records: the manager, and facilitators for the children of their centres
# (narrowed in selectors); a member for their own household's children.
rule_set.add_rule("care.view_children", is_manager | is_facilitator | is_member)
rule_set.add_rule("care.view_health", is_manager | is_facilitator)
# The register of the children enrolled, as a file: the manager, a facilitator her centres'.
rule_set.add_rule("care.export_children", is_manager | is_facilitator)
rule_set.add_rule("care.record_attendance", is_manager | is_facilitator)
rule_set.add_rule("care.view_waitlist", is_manager | has_role("board"))
rule_set.add_rule("care.apply", is_manager | is_member)


# How each model's rows reach a centre and a household (see core.permissions.Reach).
for _model in (OpeningHours, Closure, Room, SeatPool, PriorityRule):
    reach(_model, centre="centre_id", personal=False)
reach(SeatPoolClass, centre="pool__centre_id", personal=False)
reach(ChildProfile, centre=through_person("child"), household="child__household_id")
reach(AuthorisedCollector, centre=through_person("child"), household="child__household_id")
reach(Application, centre="centre_id", household="child__household_id")
reach(Enrolment, centre="centre_id", household="child__household_id")
reach(Booking, centre="enrolment__centre_id", household="enrolment__child__household_id")
reach(Attendance, centre="centre_id", household="child__household_id")
reach(SyncOperation)  # Read by no page: the phone that sent it gets its answer.
