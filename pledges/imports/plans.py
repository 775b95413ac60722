"""Sheet “Kế hoạch”: plans of cells and mass organizations, one row per deed of the plan."""

import datetime

from django import forms
from django.utils import timezone

from party.imports.base import RowAction, Sheet, SheetPlan, ValidRow, differs, show
from party.imports.columns import Heading
from party.imports.fields import UnitCodeField, YearField, date_field
from party.models import Unit
from pledges.imports.deeds import deed_fields, deed_rows, diff_deeds, unit_existed_in_year, write_records
from pledges.models import Plan, PlanDeed

PLAN_FIELDS = ("title", "document_number", "document_date")
PLAN_LABELS = {"title": "Tên kế hoạch", "document_number": "Số văn bản", "document_date": "Ngày ban hành"}
DEED_FIELDS = ("target", "deadline")


class PlanRowForm(forms.Form):
    year = YearField()
    unit_code = UnitCodeField()
    title = forms.CharField(max_length=255)
    document_number = forms.CharField(max_length=50, required=False)
    document_date = date_field(required=False)
    content, target, deadline = deed_fields().values()


class PlanSheet(Sheet):
    title = "Kế hoạch"
    record_name = "kế hoạch"
    open_to_secretaries = True
    guidance = (
        "Kế hoạch thực hiện Chỉ thị 05-CT/TW của chi bộ, tổ chức đoàn thể: mỗi dòng là một việc làm "
        "theo Bác của kế hoạch. Các dòng cùng năm và cùng mã đơn vị là một kế hoạch, nên ghi giống "
        "nhau ở các cột Tên kế hoạch, Số văn bản, Ngày ban hành (ô để trống lấy theo dòng khác của "
        "kế hoạch). Kế hoạch đã có thì danh sách việc làm trong tệp thay cho danh sách đang lưu "
        "(trang xem trước cho thấy việc nào thêm, sửa, bỏ); kế hoạch không có trong tệp giữ nguyên. "
        "Không dùng trang này thì xóa trang đi."
    )
    form_class = PlanRowForm
    headings = {
        "year": Heading("Năm", "Năm của kế hoạch, ví dụ 2025.", (2025, 2025), width=8),
        "unit_code": Heading(
            "Mã đơn vị",
            "Mã chi bộ hoặc tổ chức đoàn thể (xem trang Đơn vị).",
            ("CB-VP", "CB-VP"),
            text_format=True,
            width=14,
        ),
        "title": Heading(
            "Tên kế hoạch",
            "Giống nhau ở mọi dòng của kế hoạch.",
            ("Kế hoạch thực hiện Chỉ thị 05-CT/TW năm 2025", "Kế hoạch thực hiện Chỉ thị 05-CT/TW năm 2025"),
            width=36,
        ),
        "document_number": Heading(
            "Số văn bản", "Ví dụ 12-KH/CB.", ("12-KH/CB", ""), text_format=True, width=14
        ),
        "document_date": Heading(
            "Ngày ban hành", "dd/mm/yyyy.", (datetime.date(2025, 1, 15), None), width=14
        ),
        "content": Heading(
            "Nội dung việc làm",
            "Một việc làm theo Bác của tập thể; mỗi việc một dòng.",
            ("Hoàn thành số hóa hồ sơ đảng viên", "Tổ chức 4 buổi sinh hoạt chuyên đề"),
            width=48,
        ),
        "target": Heading("Chỉ tiêu", "Kết quả cần đạt, đo được.", ("100% hồ sơ", "4 buổi"), width=20),
        "deadline": Heading(
            "Thời hạn", "dd/mm/yyyy.", (datetime.date(2025, 6, 30), datetime.date(2025, 12, 31)), width=12
        ),
    }

    def plan(self, cleaned: list[ValidRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        units = self.units_in_scope({data["unit_code"] for _, data in cleaned})
        groups: dict[tuple[int, str], list[ValidRow]] = {}
        for row, data in cleaned:
            if unit_existed_in_year(self, row, data, units):
                groups.setdefault((data["year"], data["unit_code"]), []).append((row, data))
        existing = {
            (p.year, p.unit.code): p
            for p in Plan.objects.filter(unit__in=units.values(), year__in={year for year, _ in groups})
            .select_related("unit")
            .prefetch_related("deeds")
        }
        for (year, code), group in groups.items():
            describe = f"năm {year}, đơn vị {code}"
            merged = self.merge_group(group, PLAN_FIELDS, describe)
            deeds = deed_rows(self, group, describe)
            if merged is None or deeds is None:
                continue
            values, _ = merged
            first = group[0][0].number
            current = existing.get((year, code))
            if current is None:
                plan.actions.append(
                    RowAction(
                        first,
                        "create",
                        f"{code} — năm {year}: {values['title']} ({len(deeds)} việc làm)",
                        payload=(year, code, values, deeds),
                    )
                )
                continue
            changes = [
                f"{PLAN_LABELS[name]}: “{show(old)}” → “{show(values[name])}”"
                for name in PLAN_FIELDS
                if differs(old := getattr(current, name), values[name])
            ]
            deed_changes, work = diff_deeds(list(current.deeds.all()), deeds, DEED_FIELDS)
            changes += deed_changes
            plan.actions.append(
                RowAction(
                    first,
                    "update" if changes else "unchanged",
                    f"{code} — năm {year}: {current.title}",
                    changes,
                    (current, values, work, bool(deed_changes)),
                    record=current,
                )
            )
        return plan

    def commit(self, plan: SheetPlan) -> None:
        user, now = self.context.user, timezone.now()
        creates = [a.payload for a in plan.actions if a.action == "create"]
        units = {u.code: u for u in Unit.objects.filter(code__in={code for _, code, _, _ in creates})}
        created = [
            (Plan(unit=units[code], year=year, **{name: values[name] for name in PLAN_FIELDS}), deeds)
            for year, code, values, deeds in creates
        ]
        updated = []
        for action in plan.actions:
            if action.action != "update":
                continue
            current, values, work, deeds_changed = action.payload
            for name in PLAN_FIELDS:
                if differs(getattr(current, name), values[name]):
                    setattr(current, name, values[name])
            updated.append((current, work if deeds_changed else None))
        write_records(
            Plan,
            PlanDeed,
            "plan",
            created=created,
            updated=updated,
            fields=PLAN_FIELDS,
            deed_field_names=DEED_FIELDS,
            user=user,
            now=now,
        )
