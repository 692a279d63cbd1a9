from carecoop.core.permissions import is_coop_insider, rule_set

rule_set.add_rule("care.view_centres", is_coop_insider)
