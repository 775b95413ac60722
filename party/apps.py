from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "party"
    verbose_name = "Tổ chức đảng và đảng viên"

    def ready(self) -> None:
        from django.core import checks

        from party.checks import defusedxml_in_use

        checks.register(defusedxml_in_use)

        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_save

        from party import access_log, initial_passwords, sessions, signals  # noqa: F401 (signals: @receiver)
        from party.models import UnitRole

        user_logged_in.connect(sessions.start, dispatch_uid="party.sessions.start")
        user_logged_in.connect(access_log.on_login, dispatch_uid="party.access_log.login")
        user_logged_in.connect(initial_passwords.on_login, dispatch_uid="party.initial_passwords.login")
        user_login_failed.connect(access_log.on_login_failed, dispatch_uid="party.access_log.failed")
        user_locked_out.connect(access_log.on_locked_out, dispatch_uid="party.access_log.lockout")
        post_save.connect(
            sessions.account_saved, sender=get_user_model(), dispatch_uid="party.sessions.account"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                sessions.role_changed, sender=UnitRole, dispatch_uid=f"party.sessions.role.{signal}"
            )

        # The import sheets, in the order a workbook is read (pledges' follow, at 200).
        from party.imports import registry
        from party.imports.inspections import InspectionSheet
        from party.imports.members import MemberSheet
        from party.imports.units import UnitSheet
        from party.imports.work import ConferenceSheet, DocumentSheet, MeetingSheet

        registry.register(
            UnitSheet, MemberSheet, MeetingSheet, InspectionSheet, DocumentSheet, ConferenceSheet, order=100
        )

        # The kinds of work records, in menu order (pledges' follow, at 200).
        from party.record_types import CONFERENCES, DOCUMENTS, INSPECTIONS, MEETINGS
        from party.records import registry as records

        records.register(MEETINGS, INSPECTIONS, DOCUMENTS, CONFERENCES, order=100)
