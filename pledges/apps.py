from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Kế hoạch, đăng ký làm theo Bác"

    def ready(self) -> None:
        # The pledge cycle's import sheets, read after party's (units, people, work records).
        from party.imports import registry
        from pledges import signals  # noqa: F401 (@receiver: deed counts)
        from pledges.imports import AwardSheet, GoodPracticeSheet, PlanSheet, PledgeSheet

        registry.register(PlanSheet, PledgeSheet, AwardSheet, GoodPracticeSheet, order=200)

        # Awards and good practices, listed after party's kinds of work records.
        from party.records import registry as records
        from pledges.record_types import AWARDS, PRACTICES

        records.register(AWARDS, PRACTICES, order=200)
