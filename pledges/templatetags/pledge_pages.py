"""Parts of the pledge pages formatted in Python, for speed.

The cell page is the one secretaries open most (50 members a cell, many times a day). Django's
template engine took about 95 µs a row for its seven cells, and `format_html_join` still 27 µs:
each value goes through several layers of lazy-string checks. Escaping with the standard
library, which Django's `escape()` calls underneath, takes a few µs a row.
"""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Every {field} is escaped before it is put in; {number} and {leader} are ours.
ROW = (
    '<tr><td class="num">{number}</td><td>{full_name}{leader}</td><td>{party_status}</td>'
    '<td><span class="tag state-{state}">{state_label}</span></td><td class="num">{deed_count}</td>'
    '<td>{rating}</td><td><a href="{url}">{action}</a></td></tr>'
)
FIELDS = ("full_name", "party_status", "state", "state_label", "deed_count", "rating", "url", "action")
LEADER_TAG = ' <span class="tag">BTV</span>'


@register.simple_tag
def cell_table_rows(rows: list[dict]) -> SafeString:
    """The `<tr>`s of `cell_rows()` (pledges/views/cell.py), numbered from 1, every value escaped."""
    lines = []
    for number, row in enumerate(rows, 1):
        escaped = {field: html.escape(str(row[field])) for field in FIELDS}
        lines.append(ROW.format(number=number, leader=LEADER_TAG if row["is_leader"] else "", **escaped))
    return mark_safe("\n".join(lines))  # every value above is escaped


@register.simple_tag
def year_options(years: list[int], selected: int) -> SafeString:
    """The `<option>`s of a page's year switch, `selected` chosen. Years are written as plain
    digits (the Vietnamese locale would write 2.026); a loop in the template took as long as
    the cell page's 50 rows above."""
    return mark_safe(
        "".join(
            f'<option value="{year:d}"{" selected" if year == selected else ""}>{year:d}</option>'
            for year in years
        )
    )
