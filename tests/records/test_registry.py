"""One registry of work-record kinds (party.records.registry): the URLs, the overview page and the
unit page's links all read it, in the order the apps registered."""

import dataclasses
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from party.records import registry

MENU_ORDER = ["meetings", "inspections", "documents", "conferences", "awards", "practices"]


def test_party_kinds_come_before_pledges_kinds():
    assert [kind.slug for kind in registry.record_types()] == MENU_ORDER


def test_an_order_key_or_a_slug_already_registered_is_refused():
    before = registry.record_types()
    meetings = registry.by_slug("meetings")
    with pytest.raises(ImproperlyConfigured):
        registry.register(dataclasses.replace(meetings, title="Khác"), order=100)
    with pytest.raises(ImproperlyConfigured):
        registry.register(dataclasses.replace(meetings, title="Khác"), order=999)
    registry.register(*before[:4], order=100)  # an app's ready() run again changes nothing
    assert registry.record_types() == before


def test_every_registered_kind_has_its_five_urls():
    for kind in registry.record_types():
        assert reverse(f"{kind.slug}_list") == f"/{kind.slug}/"
        assert reverse(f"{kind.slug}_create") == f"/{kind.slug}/new/"
        for action in ("detail", "edit", "delete"):
            assert reverse(f"{kind.slug}_{action}", args=[7]).startswith(f"/{kind.slug}/7/")


def _linked_slugs(page: str) -> list[str]:
    slugs = re.findall(r'href="/([a-z]+)/(?:\?[^"]*)?"', page)
    return [slug for slug in dict.fromkeys(slugs) if slug in MENU_ORDER]


@pytest.mark.django_db
def test_overview_and_unit_page_list_the_registered_kinds_in_order(login, staff, tree):
    client = login(staff)
    assert _linked_slugs(client.get(reverse("work_home")).content.decode()) == MENU_ORDER
    unit_page = client.get(reverse("unit_detail", args=[tree["committee"].pk])).content.decode()
    assert _linked_slugs(unit_page) == MENU_ORDER
