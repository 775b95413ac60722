from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "party"
    verbose_name = "Tổ chức đảng và đảng viên"

    def ready(self) -> None:
        from django.core import checks

        from party.checks import defusedxml_in_use

        checks.register(defusedxml_in_use)

        # Receivers (@receiver): typed text in NFC; sign-in, sessions and the second factor; the
        # access log of sign-ins.
        from party import signals  # noqa: F401
        from party.accounts import signals as account_signals  # noqa: F401

        # The import sheets, in the order a workbook is read (pledges' follow, at 200).
        from party.imports import registry
        from party.imports.inspections import InspectionSheet
        from party.imports.members import MemberSheet
        from party.imports.units import UnitSheet
        from party.imports.work import ConferenceSheet, DocumentSheet, MeetingSheet
        from party.privacy import signals as privacy_signals  # noqa: F401

        registry.register(
            UnitSheet, MemberSheet, MeetingSheet, InspectionSheet, DocumentSheet, ConferenceSheet, order=100
        )

        # The kinds of work records, in menu order (pledges' follow, at 200).
        from party.records import registry as records
        from party.records.kinds import CONFERENCES, DOCUMENTS, INSPECTIONS, MEETINGS

        records.register(MEETINGS, INSPECTIONS, DOCUMENTS, CONFERENCES, order=100)
