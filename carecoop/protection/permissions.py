from carecoop.core.permissions import is_auditor, is_board, is_manager, is_member, reach, rule_set
from carecoop.protection.models import Scheme, SchemeStep

# A family's steps with the schemes are seen by the manager and by the family itself (a member,
# her own household: ``reach`` below); the board, the treasurer and the auditors see no family.
rule_set.add_rule("protection.view", is_manager | is_member)
rule_set.add_rule("protection.manage", is_manager)
# The share of families with access: counts only, every small count hidden, for those who answer
# for what the cooperative does.
rule_set.add_rule("protection.indicators", is_manager | is_board | is_auditor)

# The schemes are the cooperative's own; a step reaches the household it is of.
reach(Scheme, personal=False)
reach(SchemeStep, household="household_id")
