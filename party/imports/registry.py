"""Which sheets an import workbook may hold, and the order they are read in.

Each app registers its sheets from its AppConfig.ready(), in their order, under an order key:
party's (units, people, work records) under 100, pledges' under 200. A sheet may refer to what
the sheets before it create (people to the units of the “Đơn vị” sheet, registrations to the
people of the “Đảng viên” sheet). Everything that lists sheets reads `sheets()`: the service that
previews and commits a workbook, the template download, the upload page, and
party.access.can_import_sheet.
"""

from party.imports.base import Sheet
from party.registry import Registry

_sheets: Registry[type[Sheet]] = Registry("Import sheets", key=lambda sheet: sheet.title)
register = _sheets.register


def sheets() -> list[type[Sheet]]:
    """Every registered sheet, in the order a workbook is read."""
    return _sheets.items()


def by_title(title: str) -> type[Sheet] | None:
    return _sheets.get(title)
