"""The organisation-unit tree of a federation: the cooperatives it reaches through its members,
its members' members and so on (apex → national union → cooperative), and whether each shares
its money figures all the way up."""

import datetime
from collections import defaultdict

from carecoop.tenancy.models import Affiliation, OrgKind, Shares


def reached(federation_id: int, on: datetime.date) -> dict[int, bool]:
    """The cooperatives under the federation on ``on``, each with whether its money figures
    reach it: they do when every affiliation on some path up from the cooperative shares money
    figures (a union that keeps its members' money figures to itself keeps them from the apex
    too). A cooperative reached by two paths is counted once; a loop of affiliations ends."""
    children: dict[int, list[tuple[int, bool, bool]]] = defaultdict(list)
    for member, parent, shared, kind in Affiliation.objects.on(on).values_list(
        "member_id", "parent_id", "shares", "member__kind"
    ):
        children[parent].append((member, shared == Shares.MONEY, kind == OrgKind.COOPERATIVE))
    money: dict[int, bool] = {federation_id: True}
    cooperative: set[int] = set()
    frontier = [federation_id]
    while frontier:  # a unit is taken again only when its flag turns true: it ends
        unit = frontier.pop()
        for member, money_shared, is_coop in children[unit]:
            flag = money[unit] and money_shared
            if member not in money or (flag and not money[member]):
                money[member] = flag
                frontier.append(member)
            if is_coop:
                cooperative.add(member)
    return {pk: money[pk] for pk in sorted(cooperative)}


def members_of(federation_id: int, on: datetime.date) -> list[int]:
    """The federation's own members on ``on`` (cooperatives and federations), by id."""
    return sorted(
        Affiliation.objects.on(on)
        .filter(parent_id=federation_id)
        .values_list("member_id", flat=True)
        .distinct()
    )


def member_federations(federation_id: int, on: datetime.date) -> list[int]:
    """The federations (and unions, networks) among the federation's own members on ``on``."""
    return sorted(
        Affiliation.objects.on(on)
        .filter(parent_id=federation_id)
        .exclude(member__kind=OrgKind.COOPERATIVE)
        .values_list("member_id", flat=True)
        .distinct()
    )
