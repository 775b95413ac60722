"""The report page's export form lists the same lists the exports write (reports/export_lists.py)."""

from django import template

from reports.export_lists import LIST_SHEETS, ListSheet

register = template.Library()


@register.simple_tag
def export_lists() -> list[ListSheet]:
    return LIST_SHEETS
