"""Which kinds of work records the app has, and their order in the menus.

Each app registers its kinds from its AppConfig.ready() under an order key: party's (meetings,
inspections, documents, conferences) under 100, pledges' (awards, good practices) under 200.
Everything that lists kinds reads `record_types()`: the URLconf (`record_urls()`, five URLs a
kind), the work overview page and the unit page's links. As party.imports.registry does for
import sheets.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from party.registry import Registry


@dataclass(frozen=True)
class RecordType:
    """One kind of work record and its pages (party/records/views.py)."""

    slug: str  # URL prefix and template names: records/<slug>_*.html
    model: type
    form_class: type
    title: str  # the list's heading, e.g. "Sinh hoạt chi bộ"
    new_label: str  # the create button, e.g. "Ghi buổi sinh hoạt"
    kind_choices: list[tuple[str, str]] = field(default_factory=list)
    related: tuple[str, ...] = ("unit",)
    prefetch: tuple[str, ...] = ()
    # (name, formset factory(extra=...)) for inline rows such as inspection findings.
    formsets: tuple[tuple[str, Callable], ...] = ()
    filterset_class: type | None = None  # party.records.filters.RecordFilter unless given
    multipart: bool = False

    def url(self, action: str, *args) -> str:
        return reverse(f"{self.slug}_{action}", args=args)


_kinds: Registry[RecordType] = Registry("Record kinds", key=lambda kind: kind.slug)
register = _kinds.register


def record_types() -> list[RecordType]:
    """Every registered kind, in menu order."""
    return _kinds.items()


def by_slug(slug: str) -> RecordType | None:
    return _kinds.get(slug)
