"""Sheet “Đơn vị”: the unit tree, matched on the unit code."""

from django import forms

from party.imports.base import RowAction, Sheet, SheetPlan, ValidRow, show
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, date_field
from party.models import Unit, UnitKind
from party.text import clean_name

# The fields a row sets on a unit (besides its code and its place in the tree).
UNIT_FIELDS = ("short_name", "name", "kind", "sort_order", "dissolved_on")


class UnitRowForm(forms.Form):
    code = UnitCodeField()
    parent_code = UnitCodeField(required=False)
    short_name = forms.CharField(max_length=100)
    name = forms.CharField(max_length=255)
    kind = LabelChoiceField(
        choices=UnitKind.choices, aliases={"Chi bộ": UnitKind.CELL, "Đoàn thể": "mass_organization"}
    )
    sort_order = forms.IntegerField(
        min_value=0,
        required=False,
        error_messages={  # Django's Vietnamese "Nhập một số tổng thể." is unclear
            "invalid": "Ghi một số nguyên từ 0 trở lên.",
            "min_value": "Ghi một số nguyên từ 0 trở lên.",
        },
    )
    dissolved_on = date_field(required=False)


class UnitSheet(Sheet):
    title = "Đơn vị"
    guidance = (
        "Mỗi dòng là một tổ chức đảng hoặc tổ chức đoàn thể. Mã đơn vị là duy nhất: dòng có mã đã có "
        "sẽ cập nhật đơn vị đó, mã mới sẽ tạo đơn vị mới dưới đơn vị cấp trên. Đơn vị cấp trên phải "
        "có sẵn hoặc nằm trong cùng trang này. Muốn chuyển đơn vị sang đơn vị cấp trên khác, "
        "dùng trang quản trị."
    )
    form_class = UnitRowForm
    headings = {
        "code": Heading(
            "Mã đơn vị", "Mã duy nhất, ví dụ CB01.", ("DB-SXD", "CB-VP"), text_format=True, width=14
        ),
        "parent_code": Heading(
            "Mã đơn vị cấp trên", "Để trống nếu là đơn vị gốc.", ("", "DB-SXD"), text_format=True
        ),
        "short_name": Heading(
            "Tên viết tắt", "Tên ngắn dùng trong danh sách.", ("Đảng bộ Sở", "Chi bộ Văn phòng"), width=24
        ),
        "name": Heading("Tên đầy đủ", "", ("Đảng bộ Sở Xây dựng", "Chi bộ Văn phòng Sở"), width=36),
        "kind": Heading(
            "Loại",
            "Một trong: " + "; ".join(UnitKind.labels) + ".",
            ("Đảng bộ cơ sở", "Chi bộ trực thuộc"),
            width=22,
        ),
        "sort_order": Heading("Thứ tự", "Số thứ tự giữa các đơn vị cùng cấp.", (1, 1), width=8),
        "dissolved_on": Heading(
            "Ngày giải thể", "dd/mm/yyyy; để trống nếu đang hoạt động.", ("", ""), width=14
        ),
    }

    def plan(self, cleaned: list[ValidRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        seen: dict[str, int] = {}
        for row, data in cleaned:
            if data["code"] in seen:
                self.error(row.number, "code", f"Mã “{data['code']}” trùng với dòng {seen[data['code']]}.")
            seen.setdefault(data["code"], row.number)
        codes = {data["code"] for _, data in cleaned} | {data["parent_code"] for _, data in cleaned}
        existing = {u.code: u for u in Unit.objects.filter(code__in=codes - {""})}
        parents = Unit.objects.filter(path__in={u.parent_path for u in existing.values()})
        parent_codes = dict(parents.values_list("path", "code"))
        editable = set(
            Unit.objects.editable_by(self.context.user)
            .filter(code__in=codes - {""})
            .values_list("code", flat=True)
        )
        new_codes = {data["code"] for _, data in cleaned if data["code"] not in existing}
        self.context.planned_unit_codes |= new_codes

        for row, data in cleaned:
            code, parent_code = data["code"], data["parent_code"]
            data["sort_order"] = data["sort_order"] or 0
            unit = existing.get(code)
            if unit is not None and code not in editable:
                self.error(
                    row.number,
                    "code",
                    f"Mã “{code}” đã được dùng cho một đơn vị ngoài phạm vi quản lý của anh/chị.",
                )
                continue
            if parent_code:
                if parent_code == code:
                    self.error(row.number, "parent_code", "Đơn vị không thể là cấp trên của chính nó.")
                    continue
                if parent_code not in new_codes and parent_code not in editable:
                    self.error(
                        row.number,
                        "parent_code",
                        f"Không tìm thấy đơn vị cấp trên mã “{parent_code}” trong phạm vi quản lý.",
                    )
                    continue
            elif not self.context.user.is_superuser and (unit is None or unit.depth == 1):
                self.error(
                    row.number,
                    "parent_code",
                    "Chỉ quản trị hệ thống được tạo hoặc sửa đơn vị gốc; hãy ghi mã đơn vị cấp trên.",
                )
                continue
            if unit is None:
                plan.actions.append(
                    RowAction(row.number, "create", f"{code} — {data['short_name']}", payload=data)
                )
                continue
            if parent_codes.get(unit.parent_path, "") != parent_code:
                self.error(
                    row.number,
                    "parent_code",
                    "Không đổi đơn vị cấp trên qua tệp nhập; hãy dùng trang quản trị để chuyển đơn vị.",
                )
                continue
            changes = self.diff(unit, data)
            plan.actions.append(
                RowAction(
                    row.number,
                    "update" if changes else "unchanged",
                    f"{code} — {unit.short_name}",
                    changes,
                    (unit, data),
                    record=unit,
                )
            )
        self.check_cycles(plan, existing)
        return plan

    def diff(self, unit: Unit, data: dict) -> list[str]:
        changes = []
        for name in UNIT_FIELDS:
            old, new = getattr(unit, name), data[name]
            if isinstance(new, str):
                new = clean_name(new)  # as Unit.save() stores it: NFC, single spaces
            if old != new:
                changes.append(f"{self.column_label(name)}: “{_show(old)}” → “{_show(new)}”")
        return changes

    def check_cycles(self, plan: SheetPlan, existing: dict[str, Unit]) -> None:
        parents = {a.payload["code"]: a.payload["parent_code"] for a in plan.actions if a.action == "create"}
        for action in plan.actions:
            if action.action != "create":
                continue
            seen, code = set(), action.payload["code"]
            while code in parents and code not in seen:
                seen.add(code)
                code = parents[code]
            if code in seen:
                self.error(
                    action.row, "parent_code", "Các đơn vị mới tạo thành vòng lặp cấp trên — cấp dưới."
                )

    def commit(self, plan: SheetPlan) -> None:
        for action in plan.actions:
            if action.action == "update":
                unit, data = action.payload
                order_changed = unit.sort_order != data["sort_order"]
                for name in UNIT_FIELDS:
                    setattr(unit, name, data[name])
                # Only these fields: an earlier row's re-sort may have moved this unit's path.
                unit.save(update_fields=[*UNIT_FIELDS, "search_name", "updated_at"])
                if order_changed:
                    unit.refresh_from_db()
                    resort_unit(unit)
        known: dict[str, Unit] = {}  # units created here, and parents fetched once
        pending = [a.payload for a in plan.actions if a.action == "create"]
        while pending:  # parents before children; cycles were refused in plan()
            waiting, pending_codes = [], {d["code"] for d in pending}
            for data in pending:
                parent_code = data["parent_code"]
                if parent_code and parent_code in pending_codes:
                    waiting.append(data)
                    continue
                fields = {k: data[k] for k in ("code", *UNIT_FIELDS)}
                if parent_code:
                    if parent_code not in known:
                        known[parent_code] = Unit.objects.get(code=parent_code)
                    known[data["code"]] = Unit.objects.add_child(known[parent_code], fields)
                else:
                    known[data["code"]] = Unit.objects.add_root(fields)
            pending = waiting


def resort_unit(unit: Unit) -> None:
    """Put a unit back in its place among its siblings after its sort order changed."""
    siblings = Unit.objects.get_siblings(unit).exclude(pk=unit.pk)
    if siblings.exists():
        Unit.objects.move(unit, siblings.first(), "sorted-sibling")


def _show(value) -> str:
    if value in UnitKind.values:
        return UnitKind(value).label
    return show(value)
