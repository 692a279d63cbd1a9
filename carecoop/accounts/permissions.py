from carecoop.accounts.models import PasswordResetLink
from carecoop.core.permissions import is_manager, reach, rule_set

# A manager issues password reset links to her cooperative's people and sets its sign-in rules.
rule_set.add_rule("accounts.issue_reset_link", is_manager)
rule_set.add_rule("accounts.set_sign_in_rules", is_manager)

# A reset link is read by the manager who issues it alone.
reach(PasswordResetLink)
