"""The unit tree: committees, cells and mass organizations in one materialized-path tree."""

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from party.text import clean_name, search_key


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    """Rows whose tree path lies under any of `paths` (a prefix match on an indexed column)."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def words_q(text: str, field: str = "search_name") -> Q:
    """Every word of `text` starts a word of `field` (a search key), ignoring case and diacritics.

    A word must start a word, not just appear inside one: "an" is in almost every "van".
    """
    query = Q()
    for word in search_key(text).split():
        query &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
    return query


def scope_paths(user, editing: bool = False) -> list[str] | None:
    """The tree paths whose subtrees make up the user's scope; None for everything.

    Reading scope covers every role; editing scope only secretaries and staff.
    Superusers see everything; anonymous and inactive users nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return user_role_paths(user, editing=editing)


def scope_filter(queryset: models.QuerySet, user, field: str, editing: bool = False) -> models.QuerySet:
    """Rows whose unit (reached through `field`, a tree path) lies in the user's scope."""
    paths = scope_paths(user, editing=editing)
    return queryset if paths is None else queryset.filter(subtree_q(paths, field=field))


def in_scope(user, unit: "Unit", editing: bool = False) -> bool:
    """`scope_filter` for one unit already loaded, without a query once the user's roles are."""
    paths = scope_paths(user, editing=editing)
    return paths is None or any(unit.path.startswith(path) for path in paths)


def active_in_year(dissolved_on: datetime.date | None, year: int) -> bool:
    """Whether a unit worked in `year`: it still existed on 1 January. `dissolved_on` is the first
    day without the unit, so one dissolved on 1 January did no work that year and owes no plan.
    Units have no founding date: an existing unit counts in every earlier year.
    `Unit.was_active_in()` and `UnitQuerySet.active_in_year()` say the same."""
    return dissolved_on is None or dissolved_on > datetime.date(year, 1, 1)


class UnitScopedQuerySet(models.QuerySet):
    """Records that belong to a unit (`unit` foreign key): their scope is the unit's."""

    def visible_to(self, user):
        return scope_filter(self, user, "unit__path")

    def editable_by(self, user):
        return scope_filter(self, user, "unit__path", editing=True)

    def in_subtree(self, unit: "Unit"):
        return self.filter(unit__path__startswith=unit.path)


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "committee", "Đảng bộ"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    PARTIAL_COMMITTEE = "partial_committee", "Đảng bộ bộ phận"
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở"
    CELL = "cell", "Chi bộ trực thuộc"
    MASS_ORGANIZATION = "mass_organization", "Tổ chức đoàn thể"

    @classmethod
    def cells(cls) -> list[str]:
        return [cls.GRASSROOTS_CELL, cls.CELL]


class UnitQuerySet(MP_NodeQuerySet):
    def visible_to(self, user) -> "UnitQuerySet":
        """Units the user may read: the subtrees of their roles; everything for a superuser."""
        return scope_filter(self, user, "path")

    def editable_by(self, user) -> "UnitQuerySet":
        """Units the user may enter data for: secretaries' and staff's subtrees."""
        return scope_filter(self, user, "path", editing=True)

    def in_subtree(self, unit: "Unit") -> "UnitQuerySet":
        return self.filter(path__startswith=unit.path)

    def active(self) -> "UnitQuerySet":
        return self.filter(dissolved_on__isnull=True)

    def active_in_year(self, year: int) -> "UnitQuerySet":
        """Units that worked in `year` (the rule of `active_in_year()`, in SQL)."""
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=datetime.date(year, 1, 1)))

    def search(self, text: str) -> "UnitQuerySet":
        """Units whose code or names have words starting with each word of `text`."""
        return self.filter(words_q(text))


def user_roles(user) -> list[tuple[str, str]]:
    """(role, unit tree path) of each of the user's roles: one query, cached on the user object.

    Reading scope, editing scope, staff checks and the import link all derive from it: a page
    reads the roles once, however many of those it asks.
    """
    from party.models.roles import UnitRole

    if not hasattr(user, "_roles"):
        user._roles = list(UnitRole.objects.filter(user=user).values_list("role", "unit__path"))
    return user._roles


def user_role_paths(user, editing: bool = False) -> list[str]:
    """Tree paths of the units where the user holds a role (an editing role if `editing`)."""
    from party.models.roles import RoleKind

    editing_roles = RoleKind.editing()
    return [path for role, path in user_roles(user) if not editing or role in editing_roles]


def is_staff_for(user, unit: "Unit") -> bool:
    """Committee staff of this unit or of a unit above it (or a superuser)."""
    from party.models.roles import RoleKind

    if user.is_superuser:
        return True
    if not user.is_authenticated:
        return False
    return any(unit.path.startswith(path) for role, path in user_roles(user) if role == RoleKind.STAFF)


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A party organization or mass organization (tổ chức đảng / đoàn thể) in the tree."""

    # 4 characters a level, 255 in all: 63 levels deep, 1.6 million children a level.
    steplen = 4

    code = models.CharField("mã đơn vị", max_length=30, unique=True)
    short_name = models.CharField("tên viết tắt", max_length=100)
    name = models.CharField("tên đầy đủ", max_length=255)
    kind = models.CharField("loại", max_length=30, choices=UnitKind.choices)
    sort_order = models.PositiveIntegerField(
        "thứ tự", default=0, help_text="Thứ tự hiển thị giữa các đơn vị cùng cấp (số nhỏ đứng trước)."
    )
    dissolved_on = models.DateField(
        "ngày giải thể", null=True, blank=True, help_text="Để trống nếu đơn vị đang hoạt động."
    )
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    node_order_by = ["sort_order", "code"]

    objects = UnitManager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        indexes = [
            # Planner statistics for the child prefix the review report groups by (reports/
            # queries.py) for a province (depth 1) or a district (depth 2): without them
            # PostgreSQL takes the children for as many as the units, sorts every registration
            # on disk and compiles the query (JIT) instead of hashing a few hundred groups.
            models.Index(models.functions.Substr("path", 1, 8), name="unit_child_prefix_8"),
            models.Index(models.functions.Substr("path", 1, 12), name="unit_child_prefix_12"),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Normalize names and code and compute the search key (also used by bulk loads)."""
        self.short_name = clean_name(self.short_name)
        self.name = clean_name(self.name)
        self.code = self.code.strip().upper()
        self.search_name = search_key(f"{self.code} {self.short_name} {self.name}")

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def was_active_in(self, year: int) -> bool:
        return active_in_year(self.dissolved_on, year)

    @property
    def is_cell(self) -> bool:
        return self.kind in UnitKind.cells()

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def ancestors(self) -> UnitQuerySet:
        """Every unit above this one, root first, in one query."""
        paths = [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]
        return Unit.objects.filter(path__in=paths)
