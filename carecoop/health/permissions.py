from carecoop.core.permissions import is_facilitator, is_manager, is_member, reach, rule_set
from carecoop.health.models import MealServed, Measurement, Referral, VaccinationRecord
from carecoop.members.permissions import through_person

# Children's health is for the people who care for them: the manager, the facilitators of the
# child's centre (narrowed in selectors), and the child's own family.
rule_set.add_rule("health.view_child", is_manager | is_facilitator | is_member)
rule_set.add_rule("health.record", is_manager | is_facilitator)
rule_set.add_rule("health.view_centre", is_manager | is_facilitator)


# How each model's rows reach a centre and a household (see core.permissions.Reach).
for _model in (Measurement, VaccinationRecord, Referral):
    reach(_model, centre=through_person("child"), household="child__household_id")
reach(MealServed, centre="centre_id", household="child__household_id")
