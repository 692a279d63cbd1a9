"""Every write to the member registry (``registry``) and the import of the member register
(``imports``) and the children's register (``children``) from a file; every public name is here too, so that callers import
``carecoop.members.services``."""

from carecoop.members.services.children import (
    CHILD_COLUMNS,
    ChildLine,
    children_import,
    children_import_check,
    children_upload,
)
from carecoop.members.services.imports import (
    IMPORT_COLUMNS,
    PERSON_COLUMNS,
    REQUIRED_COLUMNS,
    MemberLine,
    MembersImport,
    RegisterImport,
    members_import,
    members_import_check,
    members_upload,
)
from carecoop.members.services.registry import (
    TRANSITIONS,
    _next_member_number,
    child_register,
    dependant_add,
    household_create,
    member_class_create,
    member_class_update,
    member_register,
    membership_transition,
    membership_update,
    person_update,
    view_log_record,
    work_record_save,
)

__all__ = [
    "CHILD_COLUMNS",
    "IMPORT_COLUMNS",
    "PERSON_COLUMNS",
    "REQUIRED_COLUMNS",
    "TRANSITIONS",
    "ChildLine",
    "MemberLine",
    "MembersImport",
    "RegisterImport",
    "_next_member_number",
    "child_register",
    "children_import",
    "children_import_check",
    "children_upload",
    "dependant_add",
    "household_create",
    "member_class_create",
    "member_class_update",
    "member_register",
    "members_import",
    "members_import_check",
    "members_upload",
    "membership_transition",
    "membership_update",
    "person_update",
    "view_log_record",
    "work_record_save",
]
