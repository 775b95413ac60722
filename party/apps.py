from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "party"
    verbose_name = "Tổ chức đảng và đảng viên"

    def ready(self) -> None:
        from party.record_types import RECORD_TYPES as PARTY_RECORD_TYPES
        from party.record_views import RECORD_TYPES

        RECORD_TYPES[:0] = [kind for kind in PARTY_RECORD_TYPES if kind not in RECORD_TYPES]
