"""What every unit-owned work record shares: its unit, a search key, a version, soft deletion.

Meetings, inspections, documents, conferences (party app), awards and good practices (pledges
app) all derive from `UnitRecord`. Scope goes through the record's unit, like every other
unit-owned model. Deleting from the browser only marks the record (`deleted_at`): it leaves the
lists and the reports, and admins can restore it; the edit history keeps every version.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from party.models.units import UnitScopedQuerySet, words_q
from party.text import search_key
from party.years import validate_programme_year  # noqa: F401 (migration pledges 0007 names it here)


class RecordQuerySet(UnitScopedQuerySet):
    def in_year(self, year: int) -> "RecordQuerySet":
        """Records of a calendar year, by the record's own date field (`year_field`)."""
        field = self.model.year_field
        if field == "year":
            return self.filter(year=year)
        return self.filter(**{f"{field}__year": year})

    def in_years(self, first: int | None = None, last: int | None = None) -> "RecordQuerySet":
        """Records of the calendar years first..last (either end open), by `year_field`, counted
        as the reports count them: a date field as a range of days, so its index serves."""
        field = self.model.year_field
        if field == "year":
            bounds = {"year__gte": first, "year__lte": last}
        else:
            bounds = {
                f"{field}__gte": datetime.date(first, 1, 1) if first else None,
                f"{field}__lte": datetime.date(last, 12, 31) if last else None,
            }
        return self.filter(**{lookup: value for lookup, value in bounds.items() if value is not None})

    def search(self, text: str) -> "RecordQuerySet":
        return self.filter(words_q(text, field="search_text"))


class LiveRecordManager(models.Manager.from_queryset(RecordQuerySet)):
    """Records not deleted: what every page, list and report reads."""

    def get_queryset(self) -> RecordQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllRecordManager(models.Manager.from_queryset(RecordQuerySet)):
    """Deleted records too: for the admin, which can restore them."""


class UnitRecord(models.Model):
    """A record that belongs to one unit (the unit that held, issued, conducted or received it)."""

    unit = models.ForeignKey("party.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    deleted_at = models.DateTimeField("đã xóa lúc", null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="người xóa",
    )
    # The one-time token of the entry form that created the record (NULL for imports and the
    # admin). Unique per kind, so the same form sent twice, even at the same instant from two
    # workers, creates one record; the second send is shown the first's (party/records/views.py).
    submit_token = models.CharField(  # noqa: DJ001
        "mã biểu mẫu", max_length=40, null=True, blank=True, editable=False
    )

    # The field whose calendar year files the record under a year (a date field, or "year").
    year_field: str = "year"
    # The field that splits a list by kind (filters, import), if any.
    kind_field: str | None = "kind"
    # The flag that marks Directive-05 content (what the reports count), if the kind has one.
    directive_field: str | None = None

    objects = LiveRecordManager()
    all_objects = AllRecordManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        # A kind with constraints of its own lists these first: [*UnitRecord.Meta.constraints, ...].
        constraints = [
            models.UniqueConstraint(
                fields=["submit_token"],
                condition=Q(submit_token__isnull=False),
                name="%(app_label)s_%(class)s_submit_token",
            )
        ]

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Compute the search key (bulk loads call this themselves, since they skip save())."""
        self.search_text = search_key(" ".join(str(part) for part in self.search_parts() if part))[:500]

    def search_parts(self) -> list:
        """The texts a person might type to find this record (without diacritics in the key)."""
        return []

    @property
    def record_year(self) -> int | None:
        value = getattr(self, self.year_field)
        if isinstance(value, datetime.date):
            return value.year
        return value

    def mark_deleted(self, user) -> None:
        self.deleted_at = timezone.now()
        self.deleted_by = user
        self.version += 1
        self.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])

    def restore(self) -> None:
        self.deleted_at = None
        self.deleted_by = None
        self.version += 1
        self.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
