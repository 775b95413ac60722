"""Parts of the pledge pages formatted in Python, for speed.

The cell page is the one secretaries open most (50 members a cell, many times a day). Django's
template engine took about 95 µs a row for its seven cells: each value is resolved, localized and
escaped through several layers. Here a row is one f-string; only the text people typed (names,
rating names) is escaped on each view, the labels of the choices once, when the module loads.
"""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from party.models import PartyStatus
from pledges.models import NotEvaluatedReason, PledgeStatus

register = template.Library()

LEADER_TAG = ' <span class="tag">BTV</span>'


def escaped_labels(choices: list[tuple[str, str]]) -> dict[str, str]:
    return {value: html.escape(label) for value, label in choices}


PARTY_STATUS_LABELS = escaped_labels(PartyStatus.choices)
STATE_LABELS = escaped_labels(PledgeStatus.choices)
REASON_LABELS = escaped_labels(NotEvaluatedReason.choices)
escape = html.escape  # what django.utils.html.escape calls, without its lazy-string layers


@register.simple_tag
def cell_table_rows(people: list[dict], year: int, can_edit: bool) -> SafeString:
    """The cell page's `<tr>`s, numbered from 1: one a person of `pledge_states_of_people_in()`,
    with the state of their registration and a link to register, edit or read it."""
    # One reverse() for the page, not one a row.
    before, after = reverse("pledge_edit", args=[0, year]).split("/0/", 1)
    lines = []
    for number, person in enumerate(people, 1):
        name = escape(person["full_name"])
        leader = LEADER_TAG if person["is_leader"] else ""
        party_status = PARTY_STATUS_LABELS.get(person["party_status"]) or escape(person["party_status"])
        url = f"{before}/{person['pk']:d}/{after}"
        status = person["pledge__status"]
        if person["pledge__id"] is None:
            state, state_label, deed_count, rating = "none", "Chưa đăng ký", "", ""
            action = "Đăng ký" if can_edit else "Xem"
        else:
            state, state_label = escape(status), STATE_LABELS.get(status) or escape(status)
            deed_count = f"{person['pledge__deed_count']:d}"
            rating, reason = person["pledge__rating__name"], person["pledge__not_evaluated_reason"] or ""
            rating = escape(rating) if rating else REASON_LABELS.get(reason) or escape(reason)
            # Pledge.is_locked: evaluated registrations are read-only for secretaries.
            action = "Sửa" if can_edit and status == PledgeStatus.REGISTERED else "Xem"
        lines.append(
            f'<tr><td class="num">{number}</td><td>{name}{leader}</td><td>{party_status}</td>'
            f'<td><span class="tag state-{state}">{state_label}</span></td>'
            f'<td class="num">{deed_count}</td><td>{rating}</td><td><a href="{url}">{action}</a></td></tr>'
        )
    return mark_safe("\n".join(lines))  # every value that is not ours is escaped above


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
