"""What a new cooperative starts with, by its kind: member classes with their rights and fee
categories. Written in the cooperative's first language when it is set up, and the cooperative's
own from then on: every class and category can be changed on its pages."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carecoop.tenancy.models import IloType

# What the setup asks of the organisation itself.
ORGANISATION_FIELDS = (
    "name",
    "slug",
    "ilo_type",
    "country",
    "city",
    "currency",
    "languages",
    "time_zone",
)


@dataclass(frozen=True)
class Kind:
    code: str
    title: Promise
    description: Promise
    ilo_type: str
    # Member classes: the fields of ``members.MemberClass`` (names and descriptions translated).
    member_classes: list[dict[str, Any]] = field(default_factory=list)
    # Fee categories: (code, name, the code of the member class it is for, or "" for everyone).
    fee_categories: list[tuple[str, Promise, str]] = field(default_factory=list)


CARE_WORKERS = Kind(
    code="care-workers",
    title=_("A child care workers' cooperative"),
    description=_(
        "The workers who run the centres own them: each is a member with a vote. Parents pay "
        "fees; a worker's children pay the members' fee."
    ),
    ilo_type=IloType.WORKER,
    member_classes=[
        {
            "code": "worker",
            "name": _("Care worker"),
            "description": _("Facilitators, helpers and cooks who run the centres."),
            "may_vote": True,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
    ],
    fee_categories=[
        ("member", _("Member's child"), "worker"),
        ("community", _("Child of the neighbourhood"), ""),
    ],
)

PARENTS_AND_CARERS = Kind(
    code="parents-and-carers",
    title=_("A multi-stakeholder cooperative of parents and carers"),
    description=_(
        "Parents who use the centres and the carers who work in them are members together, "
        "each half of the vote."
    ),
    ilo_type=IloType.MULTI_STAKEHOLDER,
    member_classes=[
        {
            "code": "parent",
            "name": _("Parent"),
            "description": _("Mothers and fathers whose children attend."),
            "may_vote": True,
            "vote_weight_percent": 50,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
        {
            "code": "carer",
            "name": _("Carer"),
            "description": _("Facilitators and helpers who run the centres."),
            "may_vote": True,
            "vote_weight_percent": 50,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
    ],
    fee_categories=[
        ("member", _("Member's child"), "parent"),
        ("community", _("Child of the neighbourhood"), ""),
    ],
)

UNION_CRECHES = Kind(
    code="union-creches",
    title=_("A workers' union running creches"),
    description=_(
        "Union members' children come first and pay the members' fee; the creches' workers are "
        "members too; places left go to the neighbourhood."
    ),
    ilo_type=IloType.USER,
    member_classes=[
        {
            "code": "union-member",
            "name": _("Union member"),
            "description": _("Women workers of the union whose children attend."),
            "may_vote": True,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 0,
        },
        {
            "code": "creche-worker",
            "name": _("Creche worker"),
            "description": _("Facilitators and helpers of the creches."),
            "may_vote": True,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 0,
        },
    ],
    fee_categories=[
        ("union-member", _("Union member's child"), "union-member"),
        ("community", _("Child of the neighbourhood"), ""),
    ],
)

KINDS = {kind.code: kind for kind in (CARE_WORKERS, PARENTS_AND_CARERS, UNION_CRECHES)}
