"""The "Lịch sử thay đổi" sheet of the data-subject workbook (reports/subject_export.py): every
recorded version (django-simple-history) of a person's details, periods, registrations, deeds and
awards, with the fields each version changed, as people read them."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from party.models import Member, Membership, Unit
from pledges.models import Award, Pledge, PledgeDeed

# Bookkeeping columns left out of the history's list of changes.
NOT_CHANGES = {
    "id",
    "created_at",
    "updated_at",
    "version",
    "search_text",
    "search_name",
    "sort_key",
    "submit_token",
}
HISTORY_TYPES = {"+": "Tạo mới", "~": "Sửa", "-": "Xóa"}


def history_rows(member: Member) -> Iterable[list]:
    """Every recorded version of the person's details, periods, registrations, deeds and awards,
    oldest first: when, by whom, what, and which fields changed from the version before."""
    pledge_ids = set(Pledge.history.filter(member_id=member.pk).values_list("id", flat=True))
    sources = [
        Member.history.filter(id=member.pk),
        Membership.history.filter(member_id=member.pk),
        Pledge.history.filter(member_id=member.pk),
        PledgeDeed.history.filter(pledge_id__in=pledge_ids),
        Award.history.filter(recipient_member_id=member.pk),
    ]
    describe = _Describer()
    rows = []
    for versions in sources:
        model = versions.model.instance_type
        label = first_upper(model._meta.verbose_name)
        previous: dict[int, Any] = {}
        for version in versions.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(version.id)
            previous[version.id] = version
            rows.append(
                [
                    version.history_date,
                    version.history_user.get_username() if version.history_user else "",
                    HISTORY_TYPES.get(version.history_type, version.history_type),
                    label,
                    version.id,
                    describe.changes(model, version, before),
                    version.history_change_reason or "",
                ]
            )
    rows.sort(key=lambda row: row[0])
    return rows


class _Describer:
    """Field values as people read them (choices by label, units and levels by name)."""

    def __init__(self) -> None:
        self.names: dict[type, dict[int, str]] = {}

    def changes(self, model: type[models.Model], version, before) -> str:
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in NOT_CHANGES and hasattr(version, f.attname)
        ]
        lines = []
        for field in fields:
            new = getattr(version, field.attname)
            if before is None:
                if new not in (None, ""):
                    lines.append(f"{field.verbose_name}: {self.show(field, new)}")
            elif getattr(before, field.attname) != new:
                old = getattr(before, field.attname)
                lines.append(f"{field.verbose_name}: {self.show(field, old)} → {self.show(field, new)}")
        return "\n".join(lines)

    def show(self, field: models.Field, value: Any) -> str:
        if value is None or value == "":
            return "(trống)"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation:
            target = field.related_model
            if target not in self.names:
                self.names[target] = {}
            if value not in self.names[target]:
                obj = target._base_manager.filter(pk=value).first()
                self.names[target][value] = _name_of(obj) if obj is not None else f"#{value}"
            return self.names[target][value]
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, datetime.datetime):
            return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
        if isinstance(value, datetime.date):
            return f"{value:%d/%m/%Y}"
        return str(value)


def _name_of(obj: models.Model) -> str:
    if isinstance(obj, Unit):
        return f"{obj.name} ({obj.code})"
    if hasattr(obj, "get_username"):
        return obj.get_username()
    return str(obj)


def first_upper(text: str) -> str:
    """Capitalized without lowering the rest ("cán bộ diện BTV" keeps its BTV)."""
    text = str(text)
    return text[:1].upper() + text[1:]
