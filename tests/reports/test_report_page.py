"""The review report page, its print view and the lists behind its figures, through HTTP.

The data is the hand-built subtree of test_totals.py (`world`), where every figure is known.
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree where every figure is known

FIGURE_ROW = re.compile(
    r'<tr class="level-\d">\s*<th scope="row">(?P<label>[^<]*)</th>\s*'
    r'<td class="num">(?:<a href="(?P<link>[^"]*)">)?(?P<value>[^<]*)'
)

# Every line of the summary for the committee over 2024-2025 (see test_totals.py for why).
EXPECTED_FIGURES = {
    "Văn bản đã ban hành": "3",
    "Kế hoạch": "2",
    "Hướng dẫn": "1",
    "Kế hoạch của chi bộ": "5",
    "Việc làm theo Bác trong kế hoạch của chi bộ": "12",
    "Tỷ lệ chi bộ có kế hoạch": "71,4%",
    "Kế hoạch của tổ chức đoàn thể": "1",
    "Việc làm theo Bác trong kế hoạch của đoàn thể": "2",
    "Tỷ lệ tổ chức đoàn thể có kế hoạch": "50,0%",
    "Lượt đăng ký": "9",
    "Số người đăng ký": "5",
    "Việc làm đã đăng ký": "18",
    "Tỷ lệ người đăng ký (trên số người thuộc đơn vị)": "81,8%",
    "Lượt đăng ký của đảng viên": "8",
    "Số đảng viên đăng ký": "4",
    "Việc làm đảng viên đã đăng ký": "14",
    "Lượt đăng ký của người lao động (quần chúng)": "1",
    "Số người lao động đăng ký": "1",
    "Việc làm người lao động đã đăng ký": "4",
    "Lượt đăng ký của cán bộ lãnh đạo, quản lý": "2",
    "Việc làm cán bộ lãnh đạo, quản lý đã đăng ký": "3",
    "Lượt chi bộ sinh hoạt có nội dung Chỉ thị 05": "3",
    "Lượt đảng viên tham gia học tập": "11",
    "Cuộc kiểm tra của cấp ủy, ủy ban kiểm tra": "1",
    "Cuộc giám sát của cấp ủy, ủy ban kiểm tra": "1",
    "Cuộc kiểm tra của chi bộ": "1",
    "Cuộc giám sát của chi bộ": "1",
    "Nội dung cần khắc phục": "4",
    "Đã khắc phục": "2",
    "Tập thể được khen thưởng": "1",
    "Cá nhân được khen thưởng": "2",
    "Tập thể được biểu dương": "0",
    "Cá nhân được biểu dương": "2",
    "Mô hình, cách làm hay, gương điển hình": "2",
    "Mô hình": "1",
    "Gương điển hình": "1",
    "Hội nghị, sự kiện": "2",
    "Hội nghị sơ kết": "1",
    "Hội thi": "1",
}

NARRATIVE = (
    "Trong 2 năm 2024-2025, Đảng bộ Sở đã ban hành 3 văn bản lãnh đạo, chỉ đạo, hướng dẫn thực hiện "
    "Chỉ thị 05-CT/TW (2 kế hoạch, 1 hướng dẫn); các chi bộ trực thuộc đã xây dựng 5 kế hoạch học tập "
    "và làm theo Bác, tương ứng với 12 việc làm theo Bác; các tổ chức đoàn thể xây dựng 1 kế hoạch với "
    "2 việc làm; có 5 cán bộ, đảng viên, người lao động đăng ký học tập và làm theo Bác (9 lượt) với "
    "18 việc làm cụ thể, trong đó 4 đảng viên (8 lượt, 14 việc làm) và 1 người lao động (1 lượt, "
    "4 việc làm); cán bộ lãnh đạo, quản lý có 2 lượt đăng ký với 3 việc làm, nêu gương trước tập thể; "
    "nội dung học tập và làm theo Bác được đưa vào 3 lượt sinh hoạt chi bộ, với 11 lượt đảng viên tham "
    "gia học tập; cấp ủy, ủy ban kiểm tra và chi bộ đã tiến hành 2 cuộc kiểm tra, 2 cuộc giám sát việc "
    "thực hiện Chỉ thị 05-CT/TW, chỉ ra 4 nội dung cần khắc phục, đến nay đã khắc phục 2 nội dung; "
    "các cấp đã khen thưởng 1 tập thể và 2 cá nhân có thành tích tiêu biểu trong học tập và làm theo "
    "Bác; biểu dương, tuyên dương 2 cá nhân điển hình; phát hiện, xây dựng và nhân rộng 2 mô hình, "
    "cách làm hay, gương điển hình (1 mô hình, 1 gương điển hình); tổ chức 2 hội nghị, sự kiện "
    "(1 hội nghị sơ kết, 1 hội thi)."
)


def report_url(unit, first=2024, last=2025, view="/reports/") -> str:
    return f"{view}?unit={unit.pk}&span_choice=custom&year_from={first}&year_to={last}"


def figure_rows(page: str) -> list[tuple[str, str, str]]:
    return [
        (html.unescape(m["label"]), html.unescape(m["link"] or ""), m["value"].strip())
        for m in FIGURE_ROW.finditer(page)
    ]


def narrative_of(page: str) -> str:
    return html.unescape(re.search(r'<p class="narrative"[^>]*>(.*?)</p>', page, re.S).group(1))


@pytest.fixture
def staff_client(world, staff, login):
    return login(staff)


def test_staff_see_every_figure_of_the_span(staff_client, world):
    page = staff_client.get(report_url(world["units"]["committee"])).content.decode()
    figures = {label: value for label, _link, value in figure_rows(page)}
    for label, value in EXPECTED_FIGURES.items():
        assert figures.get(label) == value, label
    assert "Đảng bộ Sở, 2 năm 2024-2025" in page


def test_the_paragraph_reads_as_an_official_review(staff_client, world):
    page = staff_client.get(report_url(world["units"]["committee"])).content.decode()
    assert narrative_of(page) == NARRATIVE


def test_the_paragraph_leaves_out_what_is_zero_and_names_a_single_year(world, staff, login):
    client = login(staff)
    page = client.get(report_url(world["units"]["cell_b"], 2025, 2025)).content.decode()
    assert narrative_of(page) == (
        "Trong năm 2025, chi bộ đã xây dựng 1 kế hoạch học tập và làm theo Bác, tương ứng với 4 việc "
        "làm theo Bác; có 1 cán bộ, đảng viên, người lao động đăng ký học tập và làm theo Bác (1 lượt) "
        "với 4 việc làm cụ thể; biểu dương, tuyên dương 1 cá nhân điển hình."
    )
    empty = client.get(report_url(world["units"]["cell_b"], 2019, 2020)).content.decode()
    assert (
        narrative_of(empty)
        == "Trong 2 năm 2019-2020, chưa có kết quả học tập và làm theo Bác nào được ghi nhận."
    )


def test_breakdowns_by_year_and_by_child_have_a_total_row(staff_client, world):
    page = staff_client.get(report_url(world["units"]["committee"])).content.decode()
    by_year = page.split('id="h-by-year"')[1].split('id="h-by-child"')[0]
    rows = re.findall(r'<tr><th scope="row">(\d{4}|Cộng)</th>(.*?)</tr>', by_year, re.S)
    headers = re.findall(r'<th scope="col" class="num">([^<]*)</th>', by_year)
    column = {label: index for index, label in enumerate(headers)}
    cells = {year: re.findall(r'<td class="num">([^<]*)</td>', row) for year, row in rows}
    assert {year: row[column["Lượt đăng ký"]] for year, row in cells.items()} == {
        "2024": "4",
        "2025": "5",
        "Cộng": "9",
    }
    # Shares per year: plans / cells active (2 of 4, then 3 of 3), registrations / people belonging.
    assert {year: row[column["Tỷ lệ chi bộ có KH"]] for year, row in cells.items()} == {
        "2024": "50,0%",
        "2025": "100,0%",
        "Cộng": "71,4%",
    }
    assert {year: row[column["Tỷ lệ đăng ký"]] for year, row in cells.items()} == {
        "2024": "80,0%",
        "2025": "83,3%",
        "Cộng": "81,8%",
    }
    assert by_year.count('<svg class="chart"') == 2
    by_child = page.split('id="h-by-child"')[1]
    for name in ("Đảng bộ Sở (trực tiếp)", "Chi bộ A", "Chi bộ C", "Đảng bộ P", "Cộng"):
        assert name in by_child
    assert "Đã giải thể" in by_child  # Chi bộ C and X keep their rows


def test_every_way_back_and_forth_keeps_the_unit_and_span(staff_client, world):
    units = world["units"]
    page = html.unescape(staff_client.get(report_url(units["committee"])).content.decode())
    assert f'href="{report_url(units["committee"], view="/reports/print/")}"' in page
    assert f'<a href="{report_url(units["cell_a"])}">Chi bộ A</a>' in page  # a child's own report
    printed = staff_client.get(report_url(units["committee"], view="/reports/print/")).content.decode()
    assert f'href="{report_url(units["committee"])}"' in html.unescape(printed)
    assert f'<a href="{report_url(units["cell_a"])}">' not in html.unescape(printed)  # no links on paper
    for view in ("/reports/registrations/", "/reports/plans/"):
        listed = html.unescape(staff_client.get(report_url(units["committee"], view=view)).content.decode())
        assert f'href="{report_url(units["committee"])}"' in listed


def test_each_total_links_to_the_records_counted(staff_client, world):
    page = staff_client.get(report_url(world["units"]["committee"])).content.decode()
    links = {label: link for label, link, _value in figure_rows(page) if link}
    registrations = staff_client.get(links["Lượt đăng ký"]).content.decode()
    assert "9 lượt đăng ký" in registrations
    assert "Võ Văn Em" in registrations and "Hồ Thị Hoa" not in registrations  # hoa: 2023 only
    leaders = staff_client.get(links["Lượt đăng ký của cán bộ lãnh đạo, quản lý"]).content.decode()
    assert "2 lượt đăng ký" in leaders and "Trần Thị Bình" in leaders and "Nguyễn Văn An" not in leaders
    employees = staff_client.get(links["Lượt đăng ký của người lao động (quần chúng)"]).content.decode()
    assert "1 lượt đăng ký" in employees and "Phạm Thị Dung" in employees
    cell_plans = staff_client.get(links["Kế hoạch của chi bộ"]).content.decode()
    assert "5 kế hoạch" in cell_plans and "Đoàn Thanh niên" not in cell_plans
    org_plans = staff_client.get(links["Kế hoạch của tổ chức đoàn thể"]).content.decode()
    assert "1 kế hoạch" in org_plans and "Đoàn Thanh niên" in org_plans


def test_presets_pick_the_span(staff_client, world):
    import datetime

    this_year = datetime.date.today().year
    unit = world["units"]["committee"].pk
    page = staff_client.get(f"/reports/?unit={unit}&span_choice=two").content.decode()
    assert f"2 năm {this_year - 1}-{this_year}" in page
    page = staff_client.get(f"/reports/?unit={unit}&span_choice=term").content.decode()
    assert "5 năm 2021-2025" in page  # the term theme seeded for 2021-2025
    page = staff_client.get("/reports/").content.decode()  # the user's unit, this year
    assert f"Đảng bộ Sở, năm {this_year}" in page


@pytest.mark.parametrize(
    "query",
    [
        "span_choice=custom&year_from=2025&year_to=2024",
        "span_choice=custom&year_from=abc&year_to=2024",
        "span_choice=custom&year_from=2024",
        "span_choice=custom&year_from=1990&year_to=2024",
        "span_choice=nonsense",
    ],
)
def test_bad_spans_are_explained_not_crashed(staff_client, world, query):
    response = staff_client.get(f"/reports/?unit={world['units']['committee'].pk}&{query}")
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode() or "errorlist" in response.content.decode()
    assert 'class="narrative"' not in response.content.decode()


def test_print_view_has_the_formal_heading(world, staff, login):
    client = login(staff)
    page = client.get(report_url(world["units"]["cell_d"], view="/reports/print/")).content.decode()
    assert "ĐẢNG BỘ P" in page  # the superior body
    assert "CHI BỘ D" in page
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page
    assert "…………, ngày …… tháng …… năm ……" in page
    assert "BÁO CÁO" in page and "giai đoạn 2024-2025" in page
    assert 'href="/meetings/' not in page  # no links on paper
    committee = client.get(report_url(world["units"]["partial"], view="/reports/print/")).content.decode()
    assert "ĐẢNG ỦY P" in committee  # a đảng bộ reports through its đảng ủy


def test_a_secretary_reports_only_on_their_own_cell(world, secretary_a, login):
    client = login(secretary_a)
    units = world["units"]
    page = client.get("/reports/").content.decode()
    assert "Chi bộ A, năm" in page
    assert client.get(report_url(units["cell_a"])).status_code == 200
    for unit in (units["cell_b"], units["committee"]):
        for view in ("/reports/", "/reports/print/", "/reports/registrations/", "/reports/plans/"):
            assert client.get(report_url(unit, view=view)).status_code == 404, (unit, view)
    assert client.get("/reports/?unit=999999").status_code == 404
    assert client.get("/reports/?unit=%C2%B2").status_code == 404  # "²" is not a unit either


def test_the_cell_report_counts_only_the_cell(world, secretary_a, login):
    page = login(secretary_a).get(report_url(world["units"]["cell_a"])).content.decode()
    figures = {label: value for label, _link, value in figure_rows(page)}
    assert figures["Lượt đăng ký"] == "5"  # an ×2, binh ×2, cuong 2025 (see test_totals.py)


def test_someone_without_a_unit_sees_an_explanation(outsider, login):
    page = login(outsider).get("/reports/").content.decode()
    assert "chưa được giao đơn vị" in page


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(report_url(world["units"]["committee"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_runs_as_many_queries_for_a_cell_as_for_the_committee(staff_client, world):
    counts = []
    for unit in (world["units"]["cell_a"], world["units"]["committee"]):
        staff_client.get(report_url(unit))  # warm caches (session, user)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(report_url(unit)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_record_figures_link_to_lists_holding_exactly_those_records(staff_client, world):
    page = staff_client.get(report_url(world["units"]["committee"])).content.decode()
    rows = figure_rows(page)
    figures = {label: int(value) for label, _link, value in rows if value.isdigit()}
    followed = 0
    for label, link, value in rows:
        if not link or link.startswith("/reports/") or label == "Nội dung cần khắc phục":
            continue  # plans and registrations are checked above; findings sit inside inspections
        listed = staff_client.get(link).content.decode()
        count = int(re.search(r"([\d.]+) bản ghi\.", listed).group(1).replace(".", ""))
        if link.startswith("/awards/"):  # the list holds collectives and individuals of the category
            verb = "khen thưởng" if "kind=award" in link else "biểu dương"
            assert count == figures[f"Tập thể được {verb}"] + figures[f"Cá nhân được {verb}"], label
        else:
            assert count == int(value), (label, link)
        followed += 1
    assert followed >= 15
