"""What a new cooperative's country brings with it: carecoop's vaccination schedule for the
country (health) and the staff-to-child ratio rule sets of its jurisdiction, which each centre
chooses on its staffing page."""

from dataclasses import dataclass

from carecoop.health.schedules import schedule_for
from carecoop.staffing.models import RatioRuleSet
from carecoop.tenancy.models import Organisation


@dataclass
class Applies:
    schedule: str
    rule_sets: list[str]


def what_applies(coop: Organisation) -> Applies:
    schedule = schedule_for(coop.country)
    rule_sets = RatioRuleSet.objects.filter(jurisdiction__startswith=coop.country).order_by("name")
    return Applies(
        schedule=schedule.name if schedule else "",
        rule_sets=[r.name for r in rule_sets[:10]],
    )
