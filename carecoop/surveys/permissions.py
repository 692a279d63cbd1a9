from carecoop.core.permissions import (
    is_auditor,
    is_board,
    is_facilitator,
    is_manager,
    reach,
    rule_set,
)
from carecoop.surveys.models import (
    Indicator,
    Response,
    Round,
    SmsConversation,
    SmsReply,
    Survey,
    SurveyVersion,
)

# Surveys: the manager uploads questionnaires, opens rounds and imports answers; the board and
# auditors read what is asked and the figures; a facilitator interviews her centres' members.
# A figure is an aggregate, its small groups hidden (surveys.indicators); the answers of one
# member are read by the manager alone.
rule_set.add_rule("surveys.view", is_manager | is_board | is_auditor)
rule_set.add_rule("surveys.manage", is_manager)
rule_set.add_rule("surveys.collect", is_manager | is_facilitator)
rule_set.add_rule("surveys.answers", is_manager)

# A questionnaire, a round and an indicator reach no centre and no household: the cooperative's.
reach(Survey, personal=False)
reach(SurveyVersion, personal=False)
reach(Round, personal=False)
reach(Indicator, personal=False)
# A response is its member's: a facilitator's centres' members' (through her household).
reach(Response, centre="respondent__household__centre_id", household="respondent__household_id")
reach(
    SmsConversation,
    centre="respondent__household__centre_id",
    household="respondent__household_id",
)
reach(
    SmsReply,
    centre="conversation__respondent__household__centre_id",
    household="conversation__respondent__household_id",
)
