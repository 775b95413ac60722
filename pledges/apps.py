from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Kế hoạch, đăng ký làm theo Bác"

    def ready(self) -> None:
        # The pledge cycle's import sheets, read after party's (units, people, work records).
        from party.imports import registry
        from pledges.imports import AwardSheet, GoodPracticeSheet, PlanSheet, PledgeSheet

        registry.register(PlanSheet, PledgeSheet, AwardSheet, GoodPracticeSheet, order=200)

        from party.record_views import RECORD_TYPES
        from pledges.record_types import RECORD_TYPES as PLEDGE_RECORD_TYPES

        RECORD_TYPES.extend(kind for kind in PLEDGE_RECORD_TYPES if kind not in RECORD_TYPES)
