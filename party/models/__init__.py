from party.models.access import AccessEvent
from party.models.accounts import InitialPassword
from party.models.documents import Document, DocumentKind
from party.models.imports import ImportBatch
from party.models.inspections import ConductingBody, Inspection, InspectionFinding, InspectionKind
from party.models.members import Gender, Member, Membership, PartyStatus, check_transfer_date, transfer_member
from party.models.roles import RoleKind, UnitRole
from party.models.sessions import UserSession
from party.models.units import Unit, UnitKind, subtree_q
from party.models.work import Conference, ConferenceKind, Meeting, MeetingKind, Theme, ThemeKind

__all__ = [
    "AccessEvent",
    "ConductingBody",
    "Conference",
    "ConferenceKind",
    "Document",
    "DocumentKind",
    "Gender",
    "ImportBatch",
    "InitialPassword",
    "Inspection",
    "InspectionFinding",
    "InspectionKind",
    "Meeting",
    "MeetingKind",
    "Member",
    "Membership",
    "PartyStatus",
    "RoleKind",
    "Theme",
    "ThemeKind",
    "Unit",
    "UnitKind",
    "UnitRole",
    "UserSession",
    "check_transfer_date",
    "subtree_q",
    "transfer_member",
]
