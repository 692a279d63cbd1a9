from carecoop.core.permissions import is_auditor, is_board, is_manager, reach, rule_set
from carecoop.surveys.models import Survey, SurveyVersion

# Surveys: the manager uploads questionnaires; the board and auditors read what is asked.
rule_set.add_rule("surveys.view", is_manager | is_board | is_auditor)
rule_set.add_rule("surveys.manage", is_manager)

# A questionnaire reaches no centre and no household: it is the cooperative's.
reach(Survey, personal=False)
reach(SurveyVersion, personal=False)
