from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Kế hoạch, đăng ký làm theo Bác"

    def ready(self) -> None:
        # The plan and registration sheets join the one import mechanism (party.imports),
        # after the units and members sheets they refer to.
        from party.imports.service import SHEETS
        from pledges.imports import SHEETS as PLEDGE_SHEETS

        SHEETS.extend(sheet for sheet in PLEDGE_SHEETS if sheet not in SHEETS)

        from party.record_views import RECORD_TYPES
        from pledges.record_types import RECORD_TYPES as PLEDGE_RECORD_TYPES

        RECORD_TYPES.extend(kind for kind in PLEDGE_RECORD_TYPES if kind not in RECORD_TYPES)
