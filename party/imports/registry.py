"""Which sheets an import workbook may hold, and the order they are read in.

Each app registers its sheets from its AppConfig.ready(), in their order, under an order key:
party's (units, people, work records) under 100, pledges' under 200. A sheet may refer to what
the sheets before it create (people to the units of the “Đơn vị” sheet, registrations to the
people of the “Đảng viên” sheet). Everything that lists sheets reads `sheets()`: the service that
previews and commits a workbook, the template download, the upload page, and
party.access.can_import_sheet.
"""

from django.core.exceptions import ImproperlyConfigured

from party.imports.base import Sheet

_groups: dict[int, tuple[type[Sheet], ...]] = {}


def register(*sheet_classes: type[Sheet], order: int) -> None:
    """Add an app's sheets, in the order given, at `order` among the other apps' sheets."""
    if _groups.get(order) == sheet_classes:
        return  # the same app registering again (ready() run twice)
    if order in _groups:
        raise ImproperlyConfigured(f"Import sheets already registered at order {order}: {_groups[order]}")
    titles = [s.title for s in sheets()] + [s.title for s in sheet_classes]
    if len(set(titles)) != len(titles):
        raise ImproperlyConfigured(f"Two import sheets have the same title: {titles}")
    _groups[order] = sheet_classes


def sheets() -> list[type[Sheet]]:
    """Every registered sheet, in the order a workbook is read."""
    return [sheet for order in sorted(_groups) for sheet in _groups[order]]


def by_title(title: str) -> type[Sheet] | None:
    return next((sheet for sheet in sheets() if sheet.title == title), None)
