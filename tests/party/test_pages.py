"""The pages as a user sees them: home, unit and member pages, through real logins."""

import datetime
import re

import pytest
from django.urls import reverse, set_script_prefix

from party.models import Gender, Member, Membership, PartyStatus, Unit, UnitKind, transfer_member
from tests.conftest import make_member, make_unit

MEMBER_LINK = re.compile(r'<a href="/members/\d+/">([^<]+)</a>')
UNIT_ROW = re.compile(
    r'<a href="/units/(?P<pk>\d+)/">(?P<name>[^<]+)</a>.*?</td>\s*<td>(?P<code>[^<]*)</td>.*?'
    r'<td class="num">(?P<direct>[^<]*)</td>\s*<td class="num">(?P<subtree>[^<]*)</td>',
    re.DOTALL,
)


def member_names(response) -> list[str]:
    """The names in the member table, in display order."""
    assert response.status_code == 200
    return MEMBER_LINK.findall(response.content.decode())


def unit_rows(response) -> dict[str, tuple[str, str]]:
    """{unit code: (direct count, subtree count)} as printed on the home page."""
    assert response.status_code == 200
    return {m["code"]: (m["direct"], m["subtree"]) for m in UNIT_ROW.finditer(response.content.decode())}


def add_members(unit: Unit, count: int, prefix: str = "Nguyễn Văn") -> None:
    """Many people at once, as the import does: bulk_create after fill_derived_fields."""
    members = []
    for i in range(count):
        member = Member(
            full_name=f"{prefix} Người{i:04d}",
            gender=Gender.MALE if i % 2 else Gender.FEMALE,
            birth_date=datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            party_status=PartyStatus.FULL,
            unit=unit,
        )
        member.fill_derived_fields()
        members.append(member)
    Member.objects.bulk_create(members)


@pytest.fixture
def cell_c(tree) -> Unit:
    """An empty cell for the list tests."""
    return make_unit("CBC", tree["committee"], short_name="Chi bộ C")


def unit_url(unit: Unit) -> str:
    return reverse("unit_detail", args=[unit.pk])


# --- home ----------------------------------------------------------------------------------------


def test_home_lists_units_with_direct_and_subtree_counts(login, staff, people, tree):
    sub = make_unit("DBBP", tree["committee"], kind=UnitKind.PARTIAL_COMMITTEE, short_name="Đảng bộ bộ phận")
    deep = make_unit("DBBP1", sub, short_name="Chi bộ sâu")
    make_member(sub, "Hoàng Văn Sơn")
    for name in ("Đỗ Thị Hoa", "Vũ Văn Hải", "Bùi Thị Hằng"):
        make_member(deep, name)
    make_member(tree["committee"], "Đinh Văn Tâm")

    rows = unit_rows(login(staff).get(reverse("home")))
    assert rows == {
        "DB": ("1", "9"),
        "CBA": ("2", "2"),
        "CBB": ("2", "2"),
        "DBBP": ("1", "4"),
        "DBBP1": ("3", "3"),
        "DTN": ("0", "0"),
    }


def test_home_shows_the_tree_in_path_order_with_indentation(login, staff, tree):
    page = login(staff).get(reverse("home")).content.decode()
    positions = [page.index(unit_url(tree[key])) for key in ("committee", "cell_a", "cell_b", "youth")]
    assert positions == sorted(positions)
    assert 'class="tree indent-0"><a href="' + unit_url(tree["committee"]) in page
    assert 'class="tree indent-1"><a href="' + unit_url(tree["cell_a"]) in page


def test_home_groups_thousands_with_dots(login, staff, tree):
    add_members(tree["cell_a"], 1234)
    response = login(staff).get(reverse("home"))
    assert unit_rows(response)["CBA"] == ("1.234", "1.234")
    page = login(staff).get(unit_url(tree["cell_a"])).content.decode()
    assert "1.234 người" in page


def test_home_search_ignores_diacritics(login, staff, tree):
    make_unit("CBVP", tree["committee"], short_name="Chi bộ Văn phòng")
    client = login(staff)
    assert set(unit_rows(client.get(reverse("home"), {"q": "chi bo a"}))) == {"CBA"}
    assert set(unit_rows(client.get(reverse("home"), {"q": "CHI BỘ A"}))) == {"CBA"}
    assert set(unit_rows(client.get(reverse("home"), {"q": "van phong"}))) == {"CBVP"}
    assert set(unit_rows(client.get(reverse("home"), {"q": "doan thanh"}))) == {"DTN"}
    assert set(unit_rows(client.get(reverse("home"), {"q": "cbb"}))) == {"CBB"}


def test_home_search_without_match_says_so(login, staff, tree):
    page = login(staff).get(reverse("home"), {"q": "khong co"}).content.decode()
    assert "Không có đơn vị nào phù hợp." in page
    assert 'value="khong co"' in page


def test_home_filters_by_kind(login, staff, tree):
    client = login(staff)
    assert set(unit_rows(client.get(reverse("home"), {"kind": UnitKind.MASS_ORGANIZATION}))) == {"DTN"}
    assert set(unit_rows(client.get(reverse("home"), {"kind": UnitKind.CELL}))) == {"CBA", "CBB"}
    assert set(unit_rows(client.get(reverse("home"), {"kind": UnitKind.CELL, "q": "cbb"}))) == {"CBB"}


def test_home_pages_units_by_fifty(login, admin_user, tree):
    for i in range(55):
        make_unit(f"X{i:02d}", tree["cell_a"], short_name=f"Tổ {i:02d}")
    client = login(admin_user)
    first = client.get(reverse("home"), {"kind": UnitKind.CELL})
    assert len(unit_rows(first)) == 50
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(reverse("home"), {"kind": UnitKind.CELL, "page": 2})
    assert len(unit_rows(second)) == 7
    assert "kind=cell&amp;page=1" in second.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999"},
        {"kind": "evil"},
        {"dissolved": "maybe"},
        {"q": "x" * 500},
        {"q": "%_\\'\""},
    ],
)
def test_home_survives_bad_query_parameters(login, staff, people, params):
    assert login(staff).get(reverse("home"), params).status_code == 200


def test_home_keeps_the_search_when_another_parameter_is_bad(login, staff, tree):
    response = login(staff).get(reverse("home"), {"q": "chi bo a", "kind": "evil"})
    assert set(unit_rows(response)) == {"CBA"}


# --- unit page: the member list ------------------------------------------------------------------


def test_unit_page_pages_members(login, staff, cell_c):
    add_members(cell_c, 60)
    client = login(staff)
    first = client.get(unit_url(cell_c))
    assert len(member_names(first)) == 50
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(unit_url(cell_c), {"page": 2})
    assert len(member_names(second)) == 10
    assert "Trang 2 / 2" in second.content.decode()
    assert set(member_names(first)).isdisjoint(member_names(second))


@pytest.mark.parametrize(
    ("per_page", "rows", "pages"), [(25, 25, 3), (50, 50, 2), (100, 60, 1), (200, 60, 1)]
)
def test_unit_page_size_is_chosen_by_the_user(login, staff, cell_c, per_page, rows, pages):
    add_members(cell_c, 60)
    response = login(staff).get(unit_url(cell_c), {"per_page": per_page})
    assert len(member_names(response)) == rows
    page = response.content.decode()
    assert f'<option value="{per_page}" selected>' in page
    if pages > 1:
        assert f"Trang 1 / {pages}" in page
        assert f"per_page={per_page}&amp;page=2" in page
    else:
        assert "Phân trang" not in page


def test_unit_page_select_shows_the_default_page_size(login, staff, cell_c):
    add_members(cell_c, 60)
    for params in ({}, {"q": "nguyen"}):
        response = login(staff).get(unit_url(cell_c), params)
        assert len(member_names(response)) == 50
        assert '<option value="50" selected>' in response.content.decode()


def test_unit_page_sorts_by_given_name_in_vietnamese_order(login, staff, cell_c):
    for name in ("Trần An Dũng", "Nguyễn Văn Bình", "Lê Văn Anh", "Đặng Văn An", "Lê Thị Ánh", "Phạm Đức"):
        make_member(cell_c, name)
    # Given name first ("An" < "Anh" < "Bình" < "Dũng" < "Đức": d before đ), then family and
    # middle names: "Lê Thị Ánh" < "Lê Văn Anh" because "Thị" < "Văn"; tones only break ties.
    expected = ["Đặng Văn An", "Lê Thị Ánh", "Lê Văn Anh", "Nguyễn Văn Bình", "Trần An Dũng", "Phạm Đức"]
    client = login(staff)
    assert member_names(client.get(unit_url(cell_c))) == expected
    assert member_names(client.get(unit_url(cell_c), {"sort": "name"})) == expected
    assert member_names(client.get(unit_url(cell_c), {"sort": "-name"})) == expected[::-1]


def test_unit_page_sorts_by_birth_date(login, staff, cell_c):
    make_member(cell_c, "Người Sinh Giữa", birth_date=datetime.date(1980, 6, 15))
    make_member(cell_c, "Người Sinh Sớm", birth_date=datetime.date(1960, 12, 31))
    make_member(cell_c, "Người Sinh Muộn", birth_date=datetime.date(1999, 1, 2))
    client = login(staff)
    newest_first = member_names(client.get(unit_url(cell_c), {"sort": "-birth"}))
    assert newest_first == ["Người Sinh Muộn", "Người Sinh Giữa", "Người Sinh Sớm"]
    oldest_first = member_names(client.get(unit_url(cell_c), {"sort": "birth"}))
    assert oldest_first == newest_first[::-1]


def test_unit_page_sorting_keeps_the_search_and_page_size(login, staff, cell_c):
    add_members(cell_c, 3)
    page = (
        login(staff).get(unit_url(cell_c), {"q": "nguyen", "per_page": 25, "sort": "name"}).content.decode()
    )
    assert "q=nguyen&amp;per_page=25&amp;sort=-name#members" in page
    assert '<input type="hidden" name="sort" value="name">' in page


def test_unit_page_shows_dates_as_day_month_year(login, staff, cell_c):
    make_member(cell_c, "Ngô Văn Lịch", birth_date=datetime.date(1975, 4, 30))
    page = login(staff).get(unit_url(cell_c)).content.decode()
    assert "30/04/1975" in page


@pytest.mark.parametrize("query", ["nguyen van an", "NGUYỄN VĂN AN", "Nguyễn Văn An", "  nguyen   VAN an "])
def test_unit_page_search_ignores_case_and_diacritics(login, staff, cell_c, query):
    for name in ("Nguyễn Văn An", "Trần Văn An", "Nguyễn Văn Bình"):
        make_member(cell_c, name)
    assert member_names(login(staff).get(unit_url(cell_c), {"q": query})) == ["Nguyễn Văn An"]


def test_unit_page_search_matches_the_start_of_each_word(login, staff, cell_c):
    for name in ("Nguyễn Văn An", "Nguyễn Thị Anh", "Trần Văn An", "Nguyễn Văn Bình"):
        make_member(cell_c, name)
    client = login(staff)
    # "an" starts "An" and "Anh", and is only inside "Văn": Nguyễn Văn Bình is not a match.
    assert member_names(client.get(unit_url(cell_c), {"q": "nguyen an"})) == [
        "Nguyễn Văn An",
        "Nguyễn Thị Anh",
    ]
    assert member_names(client.get(unit_url(cell_c), {"q": "ngu bin"})) == ["Nguyễn Văn Bình"]
    assert member_names(client.get(unit_url(cell_c), {"q": "tran"})) == ["Trần Văn An"]


def test_unit_page_search_without_result_says_so(login, staff, cell_c):
    make_member(cell_c, "Nguyễn Văn An")
    page = login(staff).get(unit_url(cell_c), {"q": "khong ai"}).content.decode()
    assert "Không tìm thấy ai có tên khớp “khong ai”." in page


def test_unit_page_of_an_empty_unit_says_so(login, staff, cell_c):
    page = login(staff).get(unit_url(cell_c)).content.decode()
    assert "Đơn vị chưa có đảng viên, người lao động nào." in page
    assert "0 người" in page


def test_unit_page_lists_the_whole_subtree(login, staff, people, tree):
    response = login(staff).get(unit_url(tree["committee"]))
    assert member_names(response) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    page = response.content.decode()
    assert "Đơn vị trực thuộc" in page
    assert "4 người." in page


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "99999"},
        {"per_page": "7"},
        {"per_page": "abc"},
        {"per_page": "100000"},
        {"sort": "evil"},
        {"sort": "-password"},
        {"q": "x" * 500},
        {"q": "%"},
        {"q": "_"},
        {"page": "2", "per_page": "-1", "sort": "__class__"},
    ],
)
def test_unit_page_survives_bad_query_parameters(login, staff, cell_c, params):
    add_members(cell_c, 30)
    response = login(staff).get(unit_url(cell_c), params)
    assert response.status_code == 200


def test_unit_page_search_is_kept_when_another_parameter_is_bad(login, staff, cell_c):
    for name in ("Nguyễn Văn An", "Trần Văn Bình"):
        make_member(cell_c, name)
    client = login(staff)
    for bad in ({"per_page": "7"}, {"sort": "evil"}, {"page": "abc"}):
        assert member_names(client.get(unit_url(cell_c), {"q": "tran", **bad})) == ["Trần Văn Bình"]


def test_unit_page_wildcards_are_searched_literally(login, staff, cell_c):
    make_member(cell_c, "Nguyễn Văn An")
    client = login(staff)
    assert member_names(client.get(unit_url(cell_c), {"q": "%"})) == []
    assert member_names(client.get(unit_url(cell_c), {"q": "_"})) == []


# --- unit page: query count ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "rows"),
    [
        ({"per_page": 25}, 25),
        ({"per_page": 200}, 200),
        ({"per_page": 200, "page": 3}, 100),
        ({"per_page": 200, "sort": "-birth", "q": "nguyen"}, 200),
    ],
)
def test_unit_page_query_count_does_not_grow_with_members(
    login, staff, tree, django_assert_num_queries, params, rows
):
    add_members(tree["cell_a"], 500)
    client = login(staff)
    # 1 session, 2 user, 3 their roles (user_roles(), cached on the user for the request: scope
    # and the context processor's can_import), 4 the unit, 5 its visible ancestors, 6 its visible
    # children, 7 subtree member counts (one grouped query per tree depth on the page: only the
    # cell's here), 8 direct member counts, 9 paginator count, 10 the page of members with units.
    with django_assert_num_queries(10):
        response = client.get(unit_url(tree["cell_a"]), params)
    assert len(member_names(response)) == rows


@pytest.mark.parametrize("per_page", [25, 200])
def test_committee_page_query_count_does_not_grow_with_members(
    login, staff, tree, django_assert_num_queries, per_page
):
    add_members(tree["cell_a"], 300)
    add_members(tree["cell_b"], 200)
    client = login(staff)
    # A root has no ancestors (no query), but its children add a depth to the member counts:
    # 1 session, 2 user, 3 their roles, 4 the unit, 5 visible children, 6-7 subtree counts for
    # depths 1 and 2, 8 direct counts, 9 paginator count, 10 the page of members.
    with django_assert_num_queries(10):
        response = client.get(unit_url(tree["committee"]), {"per_page": per_page})
    assert len(member_names(response)) == per_page


def test_home_query_count_does_not_grow_with_units(login, staff, tree, django_assert_num_queries):
    for i in range(40):
        cell = make_unit(f"Y{i:02d}", tree["cell_a"], short_name=f"Tổ {i:02d}")
        add_members(cell, 3)
    client = login(staff)
    # 1 session, 2 user, 3 their roles (scope and can_import), 4 paginator count, 5 the page of
    # units, 6-8 member counts (depths 1, 2, 3), 9 direct counts, 10 own roles with their units.
    with django_assert_num_queries(10):
        response = client.get(reverse("home"))
    assert len(unit_rows(response)) == 44


# --- member page ---------------------------------------------------------------------------------


def test_member_page_shows_the_person(login, staff, people):
    page = login(staff).get(reverse("member_detail", args=[people["an"].pk])).content.decode()
    assert "Nguyễn Văn An" in page
    assert "01/01/1985" in page
    assert "1001" in page
    assert "Đảng viên chính thức" in page


def test_member_page_shows_history_after_a_transfer(login, staff, secretary_a, client, people, tree):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    transfer_member(member=an, to_unit=tree["cell_b"], on=datetime.date(2024, 5, 15))

    response = login(staff).get(reverse("member_detail", args=[an.pk]))
    page = response.content.decode()
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
    assert rows == [("Chi bộ B", "15/05/2024", "nay"), ("Chi bộ A", "01/03/2020", "15/05/2024")]
    assert f'<a href="{unit_url(tree["cell_b"])}">Chi bộ B</a>' in page

    client.logout()
    assert login(secretary_a).get(reverse("member_detail", args=[an.pk])).status_code == 404


def test_transferred_member_moves_between_unit_lists(login, staff, people, tree):
    transfer_member(member=people["an"], to_unit=tree["cell_b"], on=datetime.date.today())
    client = login(staff)
    assert "Nguyễn Văn An" not in member_names(client.get(unit_url(tree["cell_a"])))
    assert "Nguyễn Văn An" in member_names(client.get(unit_url(tree["cell_b"])))


# --- security headers and markup -----------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def assert_csp_clean(response) -> None:
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not INLINE_STYLE.search(page), INLINE_STYLE.search(page)
    assert not EVENT_HANDLER.search(page), EVENT_HANDLER.search(page)


def test_pages_carry_a_strict_csp_and_no_inline_code(login, staff, people, tree):
    client = login(staff)
    add_members(tree["cell_a"], 60)
    for url in (
        reverse("home"),
        reverse("home") + "?q=chi&dissolved=on",
        unit_url(tree["committee"]),
        unit_url(tree["cell_a"]) + "?per_page=25&page=2&sort=-birth",
        unit_url(tree["cell_a"]) + "?q=khong+ai",
        reverse("member_detail", args=[people["an"].pk]),
    ):
        assert_csp_clean(client.get(url))


def test_login_page_carries_a_strict_csp(client, db):
    assert_csp_clean(client.get(reverse("login")))


def test_pages_are_in_vietnamese(login, staff, tree):
    response = login(staff).get(reverse("home"))
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def menu_of(response) -> str:
    assert response.status_code == 200
    return re.search(r'<nav aria-label="Chính">(.*?)</nav>', response.content.decode(), re.DOTALL)[1]


def test_the_menu_links_every_page_and_follows_the_script_prefix(login, admin_user, secretary_a, client):
    names = ["my_cell", "home", "progress_start", "work_home", "report", "import_upload", "admin:index"]
    names += ["password_change", "account_security"]
    menu = menu_of(login(admin_user).get(reverse("home")))
    assert re.findall(r'href="([^"]+)"', menu) == [reverse(name) for name in names]
    assert f'action="{reverse("logout")}"' in menu
    # The addresses are reversed once per process, but for each prefix the app is served under
    # (the WSGI handler sets it from SCRIPT_NAME; the test client does not).
    home = reverse("home")
    set_script_prefix("/lamtheobac/")
    try:
        menu = menu_of(client.get(home))
    finally:
        set_script_prefix("/")
    assert re.findall(r'href="([^"]+)"', menu) == [f"/lamtheobac{reverse(name)}" for name in names]
    assert 'action="/lamtheobac/logout/"' in menu
    client.post(reverse("logout"))
    menu = menu_of(login(secretary_a).get(reverse("home")))  # no admin link for a secretary
    assert re.findall(r'href="([^"]+)"', menu) == [reverse(name) for name in names if name != "admin:index"]
