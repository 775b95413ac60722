from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value: int | float | None, is_share: bool = False) -> str:
    """A report figure: grouped digits (1.234), a share as a percentage (85,3%), none as a dash."""
    if value is None:
        return "—"
    if is_share:
        return number_format(value * 100, decimal_pos=1) + "%"
    return number_format(value, force_grouping=True)
