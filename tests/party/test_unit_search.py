"""The unit pickers' search (GET /units/search/): matches from the asker's own scope, as JSON."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from party.models import UnitKind
from party.unit_picker import MATCHES
from tests.conftest import make_unit

URL = reverse("unit_search")


def found(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [result["code"] for result in response.json()["results"]]


@pytest.fixture
def office(tree):
    return make_unit("CBVP", tree["committee"], short_name="Chi bộ Văn phòng", name="Chi bộ Văn phòng Sở")


def test_staff_finds_a_unit_by_its_name_without_diacritics(login, staff, office):
    client = login(staff)
    response = client.get(URL, {"q": "chi bo van phong"})
    assert response.json() == {
        "results": [
            {
                "id": office.pk,
                "code": "CBVP",
                "name": "Chi bộ Văn phòng",
                "context": "Đảng bộ Sở",
                "dissolved": False,
                "label": "Chi bộ Văn phòng (CBVP) — Đảng bộ Sở",
            }
        ],
        "more": False,
    }
    assert found(client, q="CHI BỘ VĂN") == ["CBVP"]
    assert found(client, q="van") == ["CBVP"]  # a word's start, not "an" inside "van"
    assert found(client, q="an") == []


def test_words_may_name_the_parent_to_tell_same_named_cells_apart(login, staff, tree):
    communes = {
        name: make_unit(code, tree["committee"], kind=UnitKind.GRASSROOTS_COMMITTEE, short_name=name)
        for code, name in (("XHL", "Đảng bộ xã Hòa Lộc"), ("XHP", "Đảng bộ xã Hòa Phú"))
    }
    for commune in communes.values():
        for number in (1, 2):
            make_unit(f"{commune.code}-CB{number}", commune, short_name=f"Chi bộ thôn {number}")
    client = login(staff)
    assert found(client, q="chi bo thon 1") == ["XHL-CB1", "XHP-CB1"]
    assert found(client, q="thon 1 hoa loc") == ["XHL-CB1"]
    assert found(client, q="hoa phu") == ["XHP", "XHP-CB1", "XHP-CB2"]
    response = client.get(URL, {"q": "thon 2 hoa phu"})
    assert response.json()["results"][0]["label"] == "Chi bộ thôn 2 (XHP-CB2) — Đảng bộ xã Hòa Phú"


def test_a_code_finds_its_unit_first_then_the_tree_order(login, staff, tree):
    make_unit("CBA2", tree["committee"], short_name="Chi bộ A hai")
    client = login(staff)
    assert found(client, q="cba2") == ["CBA2"]
    assert found(client, q="CBA") == ["CBA", "CBA2"]
    assert found(client, q="BA2") == ["CBA2"]  # any part of a code
    assert found(client, q="chi bo") == ["CBA", "CBA2", "CBB"]  # siblings in code order


def test_another_cells_secretary_never_sees_units_outside_their_scope(
    login, secretary_a, secretary_b, tree, office
):
    client = login(secretary_b)
    for purpose in ("read", "edit"):
        assert found(client, q="CBA", **{"for": purpose}) == []
        assert found(client, q="chi bo", **{"for": purpose}) == ["CBB"]
        assert found(client, q="van phong", **{"for": purpose}) == []
        # Their own cell, under the committee of that name; never the committee itself.
        assert found(client, q="dang bo so", **{"for": purpose}) == ["CBB"]
    assert found(login(secretary_a), q="chi bo") == ["CBA"]


def test_empty_and_one_letter_questions_answer_an_empty_list(login, staff, tree):
    client = login(staff)
    for text in ("", " ", "c", "Đ", " b  ", "%"):
        response = client.get(URL, {"q": text})
        assert response.json() == {"results": [], "more": False}, text
    assert client.get(URL).json() == {"results": [], "more": False}


def test_viewers_search_what_they_read_but_nothing_to_edit(login, viewer, tree):
    client = login(viewer)
    assert found(client, q="chi bo", **{"for": "read"}) == ["CBA", "CBB"]
    assert found(client, q="chi bo", **{"for": "edit"}) == []


def test_kinds_limit_the_matches_to_what_the_field_accepts(login, staff, tree):
    client = login(staff)
    assert found(client, q="DB") == ["DB", "CBA", "CBB", "DTN"]  # the code's unit, then those under it
    assert found(client, q="DB", kind=UnitKind.cells()) == ["CBA", "CBB"]
    assert found(client, q="DB", kind=[UnitKind.GRASSROOTS_COMMITTEE]) == ["DB"]
    assert found(client, q="doan", kind=[UnitKind.MASS_ORGANIZATION]) == ["DTN"]
    assert found(client, q="DB", kind=["not-a-kind"]) == ["DB", "CBA", "CBB", "DTN"]  # unknown: ignored


def test_at_most_twenty_matches_and_a_sign_that_there_are_more(login, staff, tree):
    for number in range(1, MATCHES + 3):
        make_unit(f"TO{number:02d}", tree["committee"], short_name=f"Tổ đảng số {number}")
    response = login(staff).get(URL, {"q": "to dang"})
    data = response.json()
    assert len(data["results"]) == MATCHES and data["more"] is True
    assert data["results"][0]["code"] == "TO01"


def test_dissolved_units_are_offered_and_marked(login, staff, tree):
    make_unit("CBC", tree["committee"], short_name="Chi bộ C", dissolved_on=datetime.date(2024, 12, 31))
    result = login(staff).get(URL, {"q": "CBC"}).json()["results"][0]
    assert (result["dissolved"], result["label"]) == (True, "Chi bộ C (CBC) (đã giải thể) — Đảng bộ Sở")


def test_a_superuser_searches_the_whole_tree(login, admin_user, tree):
    root_level = make_unit("TINH", kind=UnitKind.PARTY_COMMITTEE, short_name="Tỉnh ủy")
    assert found(login(admin_user), q="tinh uy", **{"for": "edit"}) == [root_level.code]


def test_only_get_and_only_signed_in(client, login, staff, tree):
    response = client.get(URL, {"q": "chi bo"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(staff).post(URL, {"q": "chi bo"}).status_code == 405


def test_a_search_costs_the_same_queries_for_a_committee_and_for_a_cell(login, staff, secretary_a, tree):
    for number in range(1, 40):
        make_unit(f"TO{number:02d}", tree["committee"], short_name=f"Tổ đảng số {number}")

    def queries(user) -> int:
        client = login(user)
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"q": "chi bo", "for": "edit"})
        return len(captured)

    # Sign-in's own queries, then one: the matches with their parents' names.
    assert queries(staff) == queries(secretary_a)
