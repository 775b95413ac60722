"""The committee's progress table, the "chưa hoàn thành" list and the leaders' registrations."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from party.models import RoleKind, UnitKind, transfer_member
from party.years import current_year
from pledges.models import Plan, Pledge, PledgeDeed, PledgeStatus
from tests.conftest import make_member, make_unit, make_user

# Members are created today, so their membership periods lie in the current year.
YEAR = current_year()


class TableRows(HTMLParser):
    """The text of each cell of each body row of the first table with class "list"."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_body = self.done = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "tbody" and self.in_body:
            self.in_body, self.done = False, True
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response) -> dict[str, list[str]]:
    """{first words of the unit cell: the other cells} for the page's table."""
    assert response.status_code == 200
    parser = TableRows()
    parser.feed(response.content.decode())
    return {row[0].split(" Đã giải thể")[0].split(" (")[0]: row[1:] for row in parser.rows}


def pledge(member, unit, status=PledgeStatus.REGISTERED, year=YEAR, deeds=("Đi làm đúng giờ",)):
    made = Pledge.objects.create(member=member, unit=unit, year=year, status=status, commitment="Cam kết")
    for position, content in enumerate(deeds, start=1):
        PledgeDeed.objects.create(pledge=made, content=content, target="100%", position=position)
    return made


@pytest.fixture
def season(tree, people):
    """A year half done: A has a plan, people in every state, and Em moved from A to B after pledging."""
    em = make_member(tree["cell_a"], "Hoàng Văn Em")
    pledge(people["an"], tree["cell_a"], PledgeStatus.EVALUATED)
    pledge(people["binh"], tree["cell_a"], deeds=("Nêu gương", "Tiết kiệm"))
    pledge(people["cuong"], tree["cell_b"], PledgeStatus.NOT_EVALUATED)
    pledge(em, tree["cell_a"])
    transfer_member(member=em, to_unit=tree["cell_b"], on=datetime.date.today())
    Plan.objects.create(unit=tree["cell_a"], year=YEAR, title="Kế hoạch chi bộ A")
    # Last year's registrations never leak into this year's figures.
    pledge(people["dung"], tree["cell_b"], PledgeStatus.EVALUATED, year=YEAR - 1)
    return {**people, "em": em}


def progress_url(unit, year=YEAR):
    return reverse("progress", args=[unit.pk, year])


# ---- the progress table ----------------------------------------------------------------------


def test_progress_table_counts_people_registrations_and_evaluations(login, staff, tree, season):
    rows = table(login(staff).get(progress_url(tree["committee"])))
    # members, registered, share, evaluated, not evaluated, plan
    assert rows["Chi bộ A"] == ["3", "3", "100%", "1", "0", "Có"]
    assert rows["Chi bộ B"] == ["3", "1", "33%", "0", "1", "Chưa có"]
    assert rows["Đoàn Thanh niên"] == ["0", "0", "—", "0", "0", "Chưa có"]


def test_committee_row_rolls_up_its_subtree_counting_a_mover_once(login, staff, tree, season):
    rows = table(login(staff).get(progress_url(tree["committee"])))
    # Em belonged to A and B this year: once in each cell, once in the committee (5 people, not 6).
    assert rows["Đảng bộ Sở"] == ["5", "4", "80%", "1", "1", "1 / 3"]
    page = login(staff).get(progress_url(tree["committee"])).content.decode()
    assert "Số người</dt><dd>5</dd>" in page


def test_pledge_made_in_a_cell_stays_there_after_transfer(login, staff, tree, season):
    """Em pledged in A and moved to B: A keeps the registration, B counts Em as a person only."""
    client = login(staff)
    assert table(client.get(progress_url(tree["cell_a"])))["Chi bộ A"][:2] == ["3", "3"]
    assert table(client.get(progress_url(tree["cell_b"])))["Chi bộ B"][:2] == ["3", "1"]


def test_deeper_trees_roll_up_every_level(login, staff, tree, season):
    branch = make_unit(
        "DBBP", tree["committee"], kind=UnitKind.PARTIAL_COMMITTEE, short_name="Đảng bộ bộ phận X"
    )
    cell = make_unit("CBX1", branch, short_name="Chi bộ X1")
    pledge(make_member(cell, "Vũ Văn Giang"), cell, PledgeStatus.EVALUATED)
    make_member(cell, "Đỗ Thị Hoa")
    rows = table(login(staff).get(progress_url(tree["committee"])))
    assert rows["Đảng bộ bộ phận X"] == ["2", "1", "50%", "1", "0", "0 / 1"]
    assert rows["Chi bộ X1"] == ["2", "1", "50%", "1", "0", "Chưa có"]
    assert rows["Đảng bộ Sở"] == ["7", "5", "71%", "2", "1", "1 / 4"]


def test_progress_rows_link_to_the_cell_page_and_sub_committees(login, staff, tree, season):
    branch = make_unit(
        "DBBP", tree["committee"], kind=UnitKind.PARTIAL_COMMITTEE, short_name="Đảng bộ bộ phận X"
    )
    make_unit("CBX1", branch, short_name="Chi bộ X1")
    page = login(staff).get(progress_url(tree["committee"])).content.decode()
    assert f'href="{reverse("cell_year", args=[tree["cell_a"].pk, YEAR])}"' in page
    assert f'href="{progress_url(branch)}"' in page
    assert f'data-year-url="{reverse("progress", args=[tree["committee"].pk, 1111])}"' in page


def test_dissolved_cell_without_data_is_left_out(login, staff, tree, season):
    make_unit("CBCU", tree["committee"], short_name="Chi bộ cũ", dissolved_on=datetime.date(YEAR - 2, 6, 1))
    rows = table(login(staff).get(progress_url(tree["committee"])))
    assert "Chi bộ cũ" not in rows
    assert rows["Đảng bộ Sở"][-1] == "1 / 3"


def test_progress_start_opens_the_staff_committee_for_this_year(login, staff, tree):
    response = login(staff).get(reverse("progress_start"))
    assert response.status_code == 302
    assert response.url == progress_url(tree["committee"])


def test_nav_links_to_progress(login, staff):
    assert f'href="{reverse("progress_start")}"' in login(staff).get(reverse("home")).content.decode()


def test_progress_start_opens_a_secretarys_own_cell(login, secretary_a, tree):
    response = login(secretary_a).get(reverse("progress_start"))
    assert response.url == progress_url(tree["cell_a"])


def test_progress_start_without_a_role_goes_home(login, outsider):
    assert login(outsider).get(reverse("progress_start")).url == reverse("home")


def test_anonymous_user_is_sent_to_login(client, tree):
    response = client.get(progress_url(tree["committee"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["progress", "incomplete", "leaders"])
def test_secretary_cannot_see_the_committee_or_other_cell(login, secretary_b, tree, season, name):
    client = login(secretary_b)
    assert client.get(reverse(name, args=[tree["committee"].pk, YEAR])).status_code == 404
    assert client.get(reverse(name, args=[tree["cell_a"].pk, YEAR])).status_code == 404
    assert client.get(reverse(name, args=[tree["cell_b"].pk, YEAR])).status_code == 200


@pytest.mark.parametrize("name", ["progress", "incomplete", "leaders"])
def test_outsider_gets_404_and_bad_years_are_404(login, outsider, staff, tree, name):
    assert login(outsider).get(reverse(name, args=[tree["committee"].pk, YEAR])).status_code == 404
    client = login(staff)
    assert client.get(reverse(name, args=[tree["committee"].pk, 2015])).status_code == 404
    assert client.get(reverse(name, args=[tree["committee"].pk, YEAR + 2])).status_code == 404


# ---- query counts ----------------------------------------------------------------------------


def grow(tree, cells: int, people_per_cell: int) -> None:
    """A partial committee with cells full of people in every state, plans and a mover."""
    branch = make_unit(
        "DBBP", tree["committee"], kind=UnitKind.PARTIAL_COMMITTEE, short_name="Đảng bộ bộ phận"
    )
    made = []
    for number in range(cells):
        cell = make_unit(f"CBX{number}", branch, short_name=f"Chi bộ X{number}")
        made.append(cell)
        if number % 2:
            Plan.objects.create(unit=cell, year=YEAR, title="Kế hoạch")
        for index in range(people_per_cell):
            member = make_member(cell, f"Người {number} {index}")
            if index % 3:
                pledge(member, cell, [PledgeStatus.REGISTERED, PledgeStatus.EVALUATED][index % 2])
    transfer_member(member=made[0].members.first(), to_unit=made[-1], on=datetime.date.today())
    make_unit("CDX", branch, kind=UnitKind.MASS_ORGANIZATION, short_name="Công đoàn X")


# session, user, their roles (scope, and can_import for the menu; one query since the login
# backend is Django's own), the unit; then the five of subtree_progress (units, people per unit,
# registrations per unit and status, plans, movers' units). (Below a root, one more: the
# visible ancestors for the breadcrumb.)
PROGRESS_QUERIES = 9
# session, user, their roles, the unit; the four of incomplete_units (units, plans, people and
# unregistered per cell, registrations waiting for evaluation).
INCOMPLETE_QUERIES = 8
# session, user, their roles, the unit; count and page of registrations; their deeds.
LEADERS_QUERIES = 7


@pytest.mark.parametrize("cells", [0, 12])
def test_progress_queries_do_not_grow_with_the_subtree(
    login, staff, tree, season, django_assert_num_queries, cells
):
    if cells:
        grow(tree, cells, people_per_cell=5)
    client = login(staff)
    with django_assert_num_queries(PROGRESS_QUERIES):
        assert client.get(progress_url(tree["committee"])).status_code == 200


@pytest.mark.parametrize("cells", [0, 12])
def test_incomplete_queries_do_not_grow_with_the_subtree(
    login, staff, tree, season, django_assert_num_queries, cells
):
    if cells:
        grow(tree, cells, people_per_cell=5)
    client = login(staff)
    with django_assert_num_queries(INCOMPLETE_QUERIES):
        assert client.get(reverse("incomplete", args=[tree["committee"].pk, YEAR])).status_code == 200


@pytest.mark.parametrize("leaders", [1, 8])
def test_leaders_queries_do_not_grow_with_the_list(
    login, staff, tree, season, django_assert_num_queries, leaders
):
    for index in range(leaders - 1):
        pledge(make_member(tree["cell_b"], f"Lãnh đạo {index}", is_leader=True), tree["cell_b"])
    client = login(staff)
    with django_assert_num_queries(LEADERS_QUERIES):
        response = client.get(reverse("leaders", args=[tree["committee"].pk, YEAR]))
    assert response.content.decode().count('class="card leader-pledge"') == leaders


def test_large_subtree_figures_match_a_direct_count(login, staff, tree, season):
    grow(tree, 12, people_per_cell=5)
    rows = table(login(staff).get(progress_url(tree["committee"])))
    # 5 + 60 people, the mover inside the branch counted once; 4 + 12 × 3 registrations.
    assert rows["Đảng bộ Sở"][:2] == ["65", "40"]
    assert rows["Đảng bộ bộ phận"][:2] == ["60", "36"]
    assert rows["Chi bộ X0"][:2] == ["5", "3"]
    assert rows["Chi bộ X11"][:2] == ["6", "3"]


# ---- "chưa hoàn thành" -----------------------------------------------------------------------


def test_incomplete_lists_cells_and_organizations_with_what_is_missing(login, staff, tree, season):
    done = make_unit("CBC", tree["committee"], short_name="Chi bộ C")
    Plan.objects.create(unit=done, year=YEAR, title="Kế hoạch")
    pledge(make_member(done, "Ngô Văn Khánh"), done, PledgeStatus.EVALUATED)
    make_unit("CBCU", tree["committee"], short_name="Chi bộ cũ", dissolved_on=datetime.date(YEAR - 1, 6, 1))
    rows = table(login(staff).get(reverse("incomplete", args=[tree["committee"].pk, YEAR])))
    # kind, plan, unregistered, waiting for evaluation
    assert rows == {
        "Chi bộ A": ["Chi bộ trực thuộc", "Có", "0", "2 bản"],
        "Chi bộ B": ["Chi bộ trực thuộc", "Chưa có kế hoạch", "1 / 3 người", "0"],
        "Đoàn Thanh niên": ["Tổ chức đoàn thể", "Chưa có kế hoạch", "—", "—"],
    }


def test_incomplete_links_to_the_cell_page_and_the_plan_form(login, staff, tree, season):
    page = login(staff).get(reverse("incomplete", args=[tree["committee"].pk, YEAR])).content.decode()
    assert f'href="{reverse("cell_year", args=[tree["cell_b"].pk, YEAR])}"' in page
    assert f'href="{reverse("plan_edit", args=[tree["youth"].pk, YEAR])}"' in page


def test_cell_dissolved_during_the_year_is_still_listed(login, staff, tree, season):
    make_unit("CBCU", tree["committee"], short_name="Chi bộ cũ", dissolved_on=datetime.date(YEAR, 3, 1))
    rows = table(login(staff).get(reverse("incomplete", args=[tree["committee"].pk, YEAR])))
    assert rows["Chi bộ cũ"][1] == "Chưa có kế hoạch"


def test_incomplete_is_empty_when_everything_is_done(login, staff, tree):
    member = make_member(tree["cell_a"], "Ngô Văn Khánh")
    pledge(member, tree["cell_a"], PledgeStatus.EVALUATED)
    for unit in (tree["cell_a"], tree["cell_b"], tree["youth"]):
        Plan.objects.create(unit=unit, year=YEAR, title="Kế hoạch")
    page = login(staff).get(reverse("incomplete", args=[tree["committee"].pk, YEAR])).content.decode()
    assert "đã hoàn thành" in page


# ---- leaders' registrations ------------------------------------------------------------------


def test_leaders_list_shows_only_leaders_with_commitment_and_deeds(login, viewer, tree, season):
    page = login(viewer).get(reverse("leaders", args=[tree["committee"].pk, YEAR])).content.decode()
    assert "Trần Thị Bình" in page and "Nêu gương" in page and "Tiết kiệm" in page and "Cam kết" in page
    assert "Nguyễn Văn An" not in page and "Lê Văn Cường" not in page
    assert "data-print" in page


def test_leaders_list_of_a_cell_covers_only_that_cell(login, staff, tree, season):
    pledge(make_member(tree["cell_b"], "Đặng Văn Lực", is_leader=True), tree["cell_b"])
    page = login(staff).get(reverse("leaders", args=[tree["cell_b"].pk, YEAR])).content.decode()
    assert "Đặng Văn Lực" in page and "Trần Thị Bình" not in page


def test_cell_secretary_sees_own_cells_leaders(login, tree, season):
    secretary = make_user("bithu_a2", RoleKind.SECRETARY, tree["cell_a"])
    page = login(secretary).get(reverse("leaders", args=[tree["cell_a"].pk, YEAR])).content.decode()
    assert "Trần Thị Bình" in page


def test_progress_of_a_dissolved_empty_unit_shows_zero_totals(login, staff, tree):
    gone = make_unit(
        "CBX", tree["committee"], dissolved_on=datetime.date(2020, 6, 30), short_name="Chi bộ cũ"
    )
    response = login(staff).get(progress_url(gone, 2024))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.members, totals.registered) == (0, 0)
