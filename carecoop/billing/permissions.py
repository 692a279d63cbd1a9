from carecoop.core.permissions import rule_set  # noqa: F401
