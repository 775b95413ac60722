"""Inspections and supervisions through HTTP: entry with findings, follow-up, lists, scope, deletion."""

import datetime
import re

import pytest
from django.urls import reverse

from party.models import ConductingBody, Inspection, InspectionFinding, InspectionKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PAST = TODAY - datetime.timedelta(days=30)
FUTURE = TODAY + datetime.timedelta(days=30)


def day(date: datetime.date) -> str:
    return f"{date:%d/%m/%Y}"


def findings_data(rows: list[dict], initial: int = 0) -> dict:
    """The findings formset as the page posts it: management form plus one prefixed block a row."""
    data = {
        "findings-TOTAL_FORMS": str(len(rows)),
        "findings-INITIAL_FORMS": str(initial),
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        base = {"id": "", "content": "", "remedy": "", "deadline": "", "closed_on": ""}
        for name, value in {**base, **row}.items():
            if value is not None:
                data[f"findings-{index}-{name}"] = value
    return data


def inspection_data(unit, findings: list[dict] = (), initial: int = 0, **overrides) -> dict:
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "kind": InspectionKind.SUPERVISION,
        "conducted_by": ConductingBody.CELL,
        "about_directive": "on",
        "subject": "Giám sát việc thực hiện bản cam kết học tập và làm theo Bác",
        "target_units": [],
        "target_members": [],
        "started_on": "10/04/2025",
        "ended_on": "20/04/2025",
        "conclusion": "Cơ bản thực hiện tốt",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return {**data, **findings_data(list(findings), initial)}


def make_inspection(unit, findings: list[dict] = (), **fields) -> Inspection:
    fields.setdefault("kind", InspectionKind.INSPECTION)
    fields.setdefault(
        "conducted_by", ConductingBody.CELL if unit.is_cell else ConductingBody.INSPECTION_COMMISSION
    )
    fields.setdefault("subject", "Kiểm tra việc thực hiện Chỉ thị 05")
    fields.setdefault("started_on", datetime.date(2025, 4, 10))
    inspection = Inspection.objects.create(unit=unit, **fields)
    for finding in findings:  # rows entered in the browser keep position 1 and their order of entry
        InspectionFinding.objects.create(inspection=inspection, **finding)
    return inspection


def result_cells(page: str) -> list[str]:
    """The "Kết quả" column of the findings table on the detail page, as plain text."""
    table = page[page.index("Hạn chế, khuyết điểm và việc khắc phục") :]
    rows = re.findall(r"<tr><td class=\"num\">.*?</tr>", table, re.S)
    return [re.sub(r"<[^>]+>", "", row.rsplit("<td>", 1)[1]).strip() for row in rows]


def test_secretary_enters_an_inspection_with_findings(login, secretary_a, tree, people):
    client = login(secretary_a)
    create_url = reverse("inspections_create")
    assert 'name="findings-TOTAL_FORMS" value="1"' in client.get(create_url).content.decode()  # one empty row
    data = inspection_data(
        tree["cell_a"],
        target_members=[str(people["an"].pk)],
        findings=[
            {"content": "Chưa ghi sổ theo dõi", "remedy": "Lập sổ theo dõi", "deadline": day(FUTURE)},
            {"content": "Chậm nộp bản cam kết", "remedy": "Nộp bổ sung", "deadline": day(PAST)},
            {"content": "Thiếu biên bản", "remedy": "Bổ sung biên bản", "closed_on": "15/05/2025"},
            {},  # the empty row the page offers is ignored
        ],
    )
    response = client.post(create_url, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections_detail", args=[inspection.pk])
    assert (inspection.unit, inspection.kind, inspection.conducted_by, inspection.about_directive) == (
        tree["cell_a"],
        InspectionKind.SUPERVISION,
        ConductingBody.CELL,
        True,
    )
    assert (inspection.started_on, inspection.ended_on) == (
        datetime.date(2025, 4, 10),
        datetime.date(2025, 4, 20),
    )
    assert list(inspection.target_members.all()) == [people["an"]]
    assert [(f.content, f.deadline, f.closed_on) for f in inspection.findings.order_by("pk")] == [
        ("Chưa ghi sổ theo dõi", FUTURE, None),
        ("Chậm nộp bản cam kết", PAST, None),
        ("Thiếu biên bản", None, datetime.date(2025, 5, 15)),
    ]
    # simple-history adds a version when the people are attached; the newest one lists them.
    assert list(inspection.history.first().target_members.values_list("member_id", flat=True)) == [
        people["an"].pk
    ]
    page = client.get(response["Location"]).content.decode()
    for text in (
        "Giám sát",
        "nội dung về Chỉ thị 05",
        "Nguyễn Văn An",
        "10/04/2025 – 20/04/2025",
        "Lập sổ theo dõi",
    ):
        assert text in page
    assert result_cells(page) == ["Đang khắc phục", "Quá hạn", "Đã khắc phục 15/05/2025"]


def test_staff_enters_an_inspection_by_the_committee_of_a_cell(login, staff, tree):
    client = login(staff)
    data = inspection_data(
        tree["committee"],
        kind=InspectionKind.INSPECTION,
        conducted_by=ConductingBody.INSPECTION_COMMISSION,
        target_units=[str(tree["cell_a"].pk), str(tree["cell_b"].pk)],
        about_directive=None,
    )
    assert client.post(reverse("inspections_create"), data).status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.unit == tree["committee"] and not inspection.about_directive
    assert set(inspection.target_units.all()) == {tree["cell_a"], tree["cell_b"]}
    assert not inspection.findings.exists()
    page = client.get(reverse("inspections_detail", args=[inspection.pk])).content.decode()
    assert "Ủy ban Kiểm tra" in page and "Chi bộ A, Chi bộ B" in page
    assert "Không có nội dung phải khắc phục." in page


def test_edit_changes_adds_and_removes_finding_rows(login, secretary_a, tree):
    inspection = make_inspection(
        tree["cell_a"],
        findings=[
            {"content": "Giữ nguyên", "remedy": "R1", "deadline": FUTURE},
            {"content": "Sẽ khắc phục xong", "remedy": "R2", "deadline": PAST},
            {"content": "Sẽ bỏ", "remedy": "R3"},
        ],
    )
    keep, fix, drop = inspection.findings.order_by("pk")
    client = login(secretary_a)
    url = reverse("inspections_edit", args=[inspection.pk])
    form_page = client.get(url).content.decode()
    assert 'name="findings-TOTAL_FORMS" value="3"' in form_page and "Sẽ bỏ" in form_page
    data = inspection_data(
        tree["cell_a"],
        version="1",
        kind=InspectionKind.INSPECTION,
        initial=3,
        findings=[
            {"id": str(keep.pk), "content": "Giữ nguyên", "remedy": "R1", "deadline": day(FUTURE)},
            {
                "id": str(fix.pk),
                "content": "Đã sửa",
                "remedy": "R2",
                "deadline": day(PAST),
                "closed_on": day(TODAY),
            },
            {"id": str(drop.pk), "content": "Sẽ bỏ", "remedy": "R3", "DELETE": "on"},
            {"content": "Nội dung mới", "remedy": "R4", "deadline": day(PAST)},
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.version == 2
    assert [(f.pk, f.content, f.closed_on) for f in inspection.findings.order_by("pk")] == [
        (keep.pk, "Giữ nguyên", None),
        (fix.pk, "Đã sửa", TODAY),
        (inspection.findings.order_by("pk").last().pk, "Nội dung mới", None),
    ]
    assert not InspectionFinding.objects.filter(pk=drop.pk).exists()
    assert drop.history.count() == 2  # created, then deleted: the history keeps the row
    page = client.get(response["Location"]).content.decode()
    assert "Sẽ bỏ" not in page
    assert result_cells(page) == ["Đang khắc phục", f"Đã khắc phục {day(TODAY)}", "Quá hạn"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": ""}, "Trường này là bắt buộc"),
        ({"started_on": ""}, "Trường này là bắt buộc"),
        ({"ended_on": "01/04/2025"}, "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."),
        ({"started_on": "2025-13-01"}, "Nhập một ngày hợp lệ"),
        ({"conducted_by": ConductingBody.INSPECTION_COMMISSION}, "Chi bộ tự tiến hành: chọn “Chi bộ”."),
        ({"kind": "audit"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, overrides, message):
    client = login(secretary_a)
    findings = [{"content": "Hạn chế", "remedy": "Khắc phục"}]
    response = client.post(
        reverse("inspections_create"), inspection_data(tree["cell_a"], findings, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Inspection.all_objects.exists() and not InspectionFinding.objects.exists()


def test_a_committee_inspection_needs_a_body_of_the_committee(login, staff, tree):
    response = login(staff).post(reverse("inspections_create"), inspection_data(tree["committee"]))
    assert response.status_code == 200
    assert "Đơn vị này là đảng bộ: chọn cơ quan của cấp ủy tiến hành." in response.content.decode()
    assert not Inspection.all_objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"content": "Hạn chế", "remedy": ""}, "Trường này là bắt buộc"),
        ({"content": "Hạn chế", "remedy": "Khắc phục", "deadline": "30/02/2025"}, "Nhập một ngày hợp lệ"),
    ],
)
def test_a_bad_finding_row_saves_nothing(login, secretary_a, tree, row, message):
    client = login(secretary_a)
    response = client.post(reverse("inspections_create"), inspection_data(tree["cell_a"], [row]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Inspection.all_objects.exists() and not InspectionFinding.objects.exists()


def test_a_secretary_cannot_target_people_or_cells_outside_their_scope(login, secretary_a, tree, people):
    client = login(secretary_a)
    for field, value in (("target_members", people["cuong"].pk), ("target_units", tree["cell_b"].pk)):
        response = client.post(
            reverse("inspections_create"), inspection_data(tree["cell_a"], **{field: [str(value)]})
        )
        assert response.status_code == 200
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Inspection.all_objects.exists()


def test_people_list_follows_the_unit_chosen_on_the_page(login, staff, tree, people):
    client = login(staff)
    response = client.get(reverse("inspections_create"), {"unit": tree["cell_a"].pk})
    members = response.context["form"].fields["target_members"].queryset
    assert set(members) == {people["an"], people["binh"]}
    assert response.context["form"]["unit"].value() == tree["cell_a"].pk


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree, shown):
    make_inspection(tree["cell_a"], subject="Kiểm tra sổ sách chi bộ A", kind=InspectionKind.INSPECTION)
    make_inspection(
        tree["cell_b"],
        subject="Giám sát đảng viên tự phê bình",
        kind=InspectionKind.SUPERVISION,
        started_on=datetime.date(2024, 9, 1),
    )
    make_inspection(tree["committee"], subject="Kiểm tra toàn Đảng bộ", started_on=datetime.date(2025, 11, 1))
    client = login(staff)
    subjects = ["Kiểm tra toàn Đảng bộ", "Kiểm tra sổ sách chi bộ A", "Giám sát đảng viên tự phê bình"]
    assert shown(client, "inspections", subjects) == subjects
    assert shown(client, "inspections", subjects, year=2024) == ["Giám sát đảng viên tự phê bình"]
    assert shown(client, "inspections", subjects, unit=tree["cell_a"].pk) == ["Kiểm tra sổ sách chi bộ A"]
    assert shown(client, "inspections", subjects, unit=tree["committee"].pk) == subjects
    assert shown(client, "inspections", subjects, kind=InspectionKind.SUPERVISION) == [
        "Giám sát đảng viên tự phê bình"
    ]
    assert shown(client, "inspections", subjects, q="tu phe binh") == ["Giám sát đảng viên tự phê bình"]
    assert shown(client, "inspections", subjects, q="kiem tra", year=2025) == subjects[:2]


def test_overdue_filter_keeps_inspections_with_an_open_finding_past_its_deadline(login, staff, tree, shown):
    make_inspection(
        tree["cell_a"],
        subject="Có nội dung quá hạn",
        findings=[{"content": "a", "remedy": "b", "deadline": PAST}],
    )
    make_inspection(
        tree["cell_a"],
        subject="Quá hạn nhưng đã khắc phục",
        findings=[{"content": "a", "remedy": "b", "deadline": PAST, "closed_on": TODAY}],
    )
    make_inspection(
        tree["cell_b"],
        subject="Còn trong hạn",
        findings=[{"content": "a", "remedy": "b", "deadline": FUTURE}],
    )
    make_inspection(tree["cell_b"], subject="Không có hạn", findings=[{"content": "a", "remedy": "b"}])
    make_inspection(tree["cell_b"], subject="Không có nội dung khắc phục")
    client = login(staff)
    subjects = [
        "Có nội dung quá hạn",
        "Quá hạn nhưng đã khắc phục",
        "Còn trong hạn",
        "Không có hạn",
        "Không có nội dung khắc phục",
    ]
    assert shown(client, "inspections", subjects) == subjects
    assert shown(client, "inspections", subjects, overdue="on") == ["Có nội dung quá hạn"]
    assert shown(client, "inspections", subjects, overdue="on", unit=tree["cell_b"].pk) == []
    page = client.get(reverse("inspections_list")).content.decode()
    assert "1 quá hạn" in page and "1/1 đã khắc phục" in page


def test_secretary_sees_only_their_cells_inspections(login, secretary_a, tree, shown):
    make_inspection(tree["cell_a"], subject="Của chi bộ A")
    make_inspection(tree["cell_b"], subject="Của chi bộ B")
    make_inspection(tree["committee"], subject="Của Đảng bộ")
    client = login(secretary_a)
    subjects = ["Của chi bộ A", "Của chi bộ B", "Của Đảng bộ"]
    assert shown(client, "inspections", subjects) == ["Của chi bộ A"]
    assert shown(client, "inspections", subjects, q="cua") == ["Của chi bộ A"]


def test_other_cells_secretary_gets_404_and_sees_nothing(secretary_b, tree, assert_hidden_from):
    inspection = make_inspection(
        tree["cell_a"],
        subject="Riêng của chi bộ A",
        findings=[{"content": "x", "remedy": "y", "deadline": PAST}],
    )
    data = inspection_data(tree["cell_b"], [{"content": "Ghi đè", "remedy": "z"}])
    assert_hidden_from(secretary_b, "inspections", inspection, "Riêng của chi bộ A", "rieng", data)
    assert list(inspection.findings.values_list("content", flat=True)) == ["x"]


def test_other_cells_secretary_sees_nothing_in_the_overdue_list(login, secretary_b, tree, shown):
    make_inspection(
        tree["cell_a"],
        subject="Quá hạn ở chi bộ A",
        findings=[{"content": "x", "remedy": "y", "deadline": PAST}],
    )
    assert shown(login(secretary_b), "inspections", ["Quá hạn ở chi bộ A"], overdue="on") == []


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree):
    inspection = make_inspection(tree["cell_a"], subject="Kiểm tra chi bộ A")
    client = login(viewer)
    assert (
        "Kiểm tra chi bộ A"
        in client.get(reverse("inspections_detail", args=[inspection.pk])).content.decode()
    )
    assert client.get(reverse("inspections_create")).status_code == 403
    assert client.post(reverse("inspections_create"), inspection_data(tree["cell_a"])).status_code == 403
    edit_url = reverse("inspections_edit", args=[inspection.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, inspection_data(tree["cell_a"], version="1")).status_code == 403
    assert Inspection.objects.count() == 1


def test_only_committee_staff_delete_after_confirmation(
    staff, secretary_a, viewer, tree, assert_staff_only_deletion
):
    inspection = make_inspection(tree["cell_a"], findings=[{"content": "x", "remedy": "y"}])
    assert_staff_only_deletion("inspections", inspection, staff=staff, others=[secretary_a, viewer])
    assert inspection.findings.count() == 1  # marking deleted keeps the findings with the record


@pytest.mark.parametrize(
    ("finding", "message"),
    [
        ({"closed_on": "01/01/2099"}, "Ngày đã khắc phục không thể ở tương lai."),
        ({"closed_on": "01/01/2020"}, "Ngày đã khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát."),
        ({"deadline": "01/01/2020"}, "Thời hạn khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát."),
    ],
)
def test_finding_dates_must_make_sense(login, secretary_a, tree, finding, message):
    client = login(secretary_a)
    findings = [{"content": "Hạn chế", "remedy": "Khắc phục", **finding}]
    response = client.post(reverse("inspections_create"), inspection_data(tree["cell_a"], findings))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Inspection.all_objects.exists()
