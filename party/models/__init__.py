from party.models.imports import ImportBatch
from party.models.members import Gender, Member, Membership, PartyStatus, check_transfer_date, transfer_member
from party.models.roles import RoleKind, UnitRole
from party.models.units import Unit, UnitKind, subtree_q

__all__ = [
    "Gender",
    "ImportBatch",
    "Member",
    "Membership",
    "PartyStatus",
    "RoleKind",
    "Unit",
    "UnitKind",
    "UnitRole",
    "check_transfer_date",
    "subtree_q",
    "transfer_member",
]
