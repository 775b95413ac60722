"""Sheet “Kiểm tra, giám sát”: inspections and supervisions, one row per finding to remedy.

The rows with the same conducting unit, start date and subject are one inspection (its natural
key); its other cells may be written on one row only. The file's findings replace the stored ones
(matched on their content, so an edited finding keeps its history); an inspection whose rows have
no finding keeps the stored findings, which are often added later in the browser.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db import models

from party.imports.base import CHANGE_REASON, RowProblem, ValidRow, differs, short, show, text_key
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, UnitCodesField, YesNoField, date_field
from party.imports.records import Item, RecordSheet
from party.models import ConductingBody, Inspection, InspectionFinding, InspectionKind, Unit, UnitKind

FINDING_FIELDS = ("content", "remedy", "deadline", "closed_on")


@dataclass(frozen=True)
class FindingRow:
    content: str
    remedy: str
    deadline: datetime.date | None
    closed_on: datetime.date | None


class InspectionRowForm(forms.Form):
    unit_code = UnitCodeField()
    kind = LabelChoiceField(choices=InspectionKind.choices)
    conducted_by = LabelChoiceField(
        choices=ConductingBody.choices,
        aliases={
            "UBKT": ConductingBody.INSPECTION_COMMISSION,
            "Ủy ban Kiểm tra Đảng ủy": ConductingBody.INSPECTION_COMMISSION,
            "BTV": ConductingBody.STANDING_COMMITTEE,
            "Ban Thường vụ Đảng ủy": ConductingBody.STANDING_COMMITTEE,
            "Đảng ủy": ConductingBody.EXECUTIVE_COMMITTEE,
            "Ban Chấp hành": ConductingBody.EXECUTIVE_COMMITTEE,
            "Ban Chấp hành Đảng bộ": ConductingBody.EXECUTIVE_COMMITTEE,
        },
    )
    about_directive = YesNoField(required=False, blank=None)  # blank: as the inspection's other rows
    subject = forms.CharField(max_length=400)
    target_units = UnitCodesField(max_length=2000, required=False)
    started_on = date_field()
    ended_on = date_field(required=False)
    conclusion = forms.CharField(max_length=10000, required=False)
    content = forms.CharField(max_length=4000, required=False)
    remedy = forms.CharField(max_length=4000, required=False)
    deadline = date_field(required=False)
    closed_on = date_field(required=False)

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        finding = [data.get(name) for name in FINDING_FIELDS]
        if any(finding) and not data.get("content"):
            self.add_error(
                "content", "Ghi hạn chế, khuyết điểm của nội dung phải khắc phục (hoặc xóa cả nhóm cột)."
            )
        elif data.get("content") and not data.get("remedy"):
            self.add_error("remedy", "Ghi yêu cầu khắc phục của hạn chế, khuyết điểm này.")
        return data


class InspectionSheet(RecordSheet):
    title = "Kiểm tra, giám sát"
    model = Inspection
    record_name = "cuộc kiểm tra, giám sát"
    key_fields = ("started_on", "subject")
    fields = ("kind", "conducted_by", "about_directive", "target_units", "ended_on", "conclusion")
    m2m_fields = ("target_units",)
    bulk = False
    guidance = (
        "Các cuộc kiểm tra, giám sát: mỗi dòng là một cuộc, hoặc một nội dung phải khắc phục của một "
        "cuộc. Các dòng cùng mã đơn vị tiến hành, cùng ngày bắt đầu và cùng nội dung kiểm tra là một "
        "cuộc: cuộc có nhiều nội dung phải khắc phục thì ghi mỗi nội dung một dòng, chép lại ba cột đó "
        "(và Loại, Chủ thể); các cột khác ghi ở một dòng là đủ (ô để trống lấy theo dòng khác của cuộc). "
        "Cuộc đã có thì được cập nhật theo tệp; danh sách nội dung khắc phục trong tệp thay cho danh sách "
        "đang lưu, còn để trống cả nhóm cột khắc phục thì giữ nguyên những nội dung đang lưu. "
        "Không dùng trang này thì xóa trang đi."
    )
    form_class = InspectionRowForm
    headings = {
        "unit_code": Heading(
            "Mã đơn vị tiến hành",
            "Mã đơn vị tiến hành kiểm tra, giám sát (xem trang Đơn vị).",
            ("DB-SXD", "DB-SXD"),
            text_format=True,
            width=14,
        ),
        "kind": Heading("Loại", "Kiểm tra hoặc Giám sát.", ("Kiểm tra", "Kiểm tra"), width=12),
        "conducted_by": Heading(
            "Chủ thể tiến hành",
            "Ủy ban Kiểm tra; Ban Thường vụ; Đảng ủy (của đảng bộ); Chi bộ (chi bộ tự tiến hành).",
            ("Ủy ban Kiểm tra", "Ủy ban Kiểm tra"),
        ),
        "about_directive": Heading(
            "Về Chỉ thị 05",
            "“Có” nếu việc thực hiện Chỉ thị 05 là nội dung kiểm tra, giám sát; để trống là “Không”.",
            ("Có", ""),
            width=10,
        ),
        "subject": Heading(
            "Nội dung kiểm tra, giám sát",
            "Giống nhau ở mọi dòng của một cuộc.",
            ("Việc thực hiện Chỉ thị 05-CT/TW năm 2025", "Việc thực hiện Chỉ thị 05-CT/TW năm 2025"),
            width=40,
        ),
        "target_units": Heading(
            "Đơn vị được kiểm tra, giám sát",
            "Mã các đơn vị, cách nhau bằng dấu phẩy hoặc chấm phẩy, ví dụ CB01, CB02.",
            ("CB-VP", ""),
            text_format=True,
            width=20,
        ),
        "started_on": Heading(
            "Ngày bắt đầu", "dd/mm/yyyy.", (datetime.date(2025, 9, 8), datetime.date(2025, 9, 8)), width=12
        ),
        "ended_on": Heading(
            "Ngày kết thúc",
            "dd/mm/yyyy; để trống nếu chưa kết thúc.",
            (datetime.date(2025, 9, 30), None),
            width=12,
        ),
        "conclusion": Heading(
            "Kết luận",
            "Kết luận của cuộc kiểm tra, giám sát.",
            ("Chi bộ thực hiện tốt; còn hạn chế trong việc sơ kết.", ""),
            width=36,
        ),
        "content": Heading(
            "Hạn chế, khuyết điểm",
            "Một nội dung phải khắc phục; mỗi nội dung một dòng. Để trống nếu không có.",
            ("Chưa sơ kết việc làm theo Bác hằng quý", "Hồ sơ sinh hoạt chưa đầy đủ"),
            width=36,
        ),
        "remedy": Heading(
            "Yêu cầu khắc phục",
            "Bắt buộc khi có hạn chế, khuyết điểm.",
            ("Tổ chức sơ kết quý IV", "Bổ sung biên bản sinh hoạt"),
            width=30,
        ),
        "deadline": Heading(
            "Thời hạn khắc phục",
            "dd/mm/yyyy.",
            (datetime.date(2025, 12, 31), datetime.date(2025, 10, 31)),
            width=12,
        ),
        "closed_on": Heading(
            "Ngày đã khắc phục",
            "dd/mm/yyyy; để trống nếu chưa khắc phục xong.",
            (None, datetime.date(2025, 10, 20)),
            width=12,
        ),
    }

    def collect(self, cleaned: list[ValidRow], units: dict[str, Unit]) -> list[Item]:
        """Rows with the same unit, start date and subject are one inspection with its findings."""
        groups: dict[tuple, list[ValidRow]] = {}
        for row, data in cleaned:
            if self.check_unit_code(row, data["unit_code"], units):
                groups.setdefault(self.key(data["unit_code"], data), []).append((row, data))
        items = []
        for group in groups.values():
            merged = self.merge_group(group, self.fields)
            if merged is None:
                continue
            (first_row, first), (values, _) = group[0], merged
            # Blank cells take the group's other rows; a blank “Về Chỉ thị 05” in all of them is “Không”.
            data = {**first, **values, "about_directive": bool(values["about_directive"])}
            item = self.item(first_row, data, units)
            findings = self.findings(group)
            if item is not None and findings is not False:
                item.values["findings"] = findings
                items.append(item)
        return items

    def findings(self, group: list[ValidRow]) -> list[FindingRow] | bool | None:
        """The group's findings in file order; None if it has none (the stored ones stay); False on error."""
        seen: dict[str, int] = {}
        findings = []
        ok = True
        for row, data in group:
            if not data["content"]:
                continue
            dates = {name: data[name] for name in ("started_on", "deadline", "closed_on")}
            for name, message in InspectionFinding.date_errors(**dates).items():  # the web form's rules
                self.error(row.number, name, message)
                ok = False
            key = text_key(data["content"])
            if key in seen:
                self.error(
                    row.number, "content", f"Trùng với hạn chế, khuyết điểm ở dòng {seen[key]} của cùng cuộc."
                )
                return False
            seen[key] = row.number
            findings.append(FindingRow(*(data[name] for name in FINDING_FIELDS)))
        if not ok:
            return False
        return findings or None

    def check_unit(self, code: str, values: dict, units: dict[str, Unit]) -> None:
        super().check_unit(code, values, units)
        kind = self.planned_kind(code, units)
        if kind is None:
            return
        is_cell = kind in UnitKind.cells()
        if is_cell and values["conducted_by"] != ConductingBody.CELL:
            raise RowProblem("conducted_by", f"“{code}” là chi bộ, tự tiến hành: ghi “Chi bộ”.")
        if not is_cell and values["conducted_by"] == ConductingBody.CELL:
            raise RowProblem(
                "conducted_by",
                f"“{code}” không phải chi bộ: ghi cơ quan tiến hành "
                "(Ủy ban Kiểm tra, Ban Thường vụ, Đảng ủy).",
            )

    def prefetch(self, records: models.QuerySet) -> models.QuerySet:
        return records.prefetch_related("findings")

    def diff(self, current: Inspection, values: dict) -> list[str]:
        changes = super().diff(current, values)
        if values["findings"] is not None:
            changes += diff_findings(list(current.findings.all()), values["findings"])[0]
        return changes

    def describe(self, code: str, values: dict) -> str:
        label = f"{code} — {InspectionKind(values['kind']).label} từ {values['started_on']:%d/%m/%Y}: "
        label += short(values["subject"])
        findings = values.get("findings")
        return label + (f" ({len(findings)} nội dung khắc phục)" if findings else "")

    def after_save(self, record: Inspection, item: Item) -> None:
        if item.values["findings"] is None:
            return
        _, saves, deletes = diff_findings(list(record.findings.all()), item.values["findings"])
        for finding in deletes:
            finding._history_user, finding._change_reason = self.context.user, CHANGE_REASON
            finding.delete()
        for finding, row, position in saves:
            finding = finding or InspectionFinding(inspection=record)
            for name in FINDING_FIELDS:
                setattr(finding, name, getattr(row, name))
            finding.position = position
            finding._history_user, finding._change_reason = self.context.user, CHANGE_REASON
            finding.save()


LABELS = {"remedy": "Yêu cầu khắc phục", "deadline": "Thời hạn", "closed_on": "Ngày đã khắc phục"}


def diff_findings(existing: list[InspectionFinding], wanted: list[FindingRow]):
    """The changes (for the preview), the findings to save as (stored finding or None, row,
    position) and the findings to delete. Matched on their content, so an edited finding keeps
    its history; a stored finding's content keeps its own spelling."""
    pool: dict[str, list[InspectionFinding]] = {}
    for finding in existing:
        pool.setdefault(text_key(finding.content), []).append(finding)
    changes, saves = [], []
    for position, row in enumerate(wanted, start=1):
        candidates = pool.get(text_key(row.content))
        finding = candidates.pop(0) if candidates else None
        if finding is None:
            changes.append(f"Thêm nội dung khắc phục: “{short(row.content)}”")
            saves.append((None, row, position))
            continue
        changed = [name for name in LABELS if differs(getattr(finding, name), getattr(row, name))]
        changes += [
            f"Nội dung khắc phục “{short(row.content)}”: {LABELS[name]} “{show(getattr(finding, name))}” → "
            f"“{show(getattr(row, name))}”"
            for name in changed
        ]
        if changed:
            saves.append((finding, FindingRow(finding.content, *(getattr(row, n) for n in LABELS)), position))
    deletes = [finding for findings in pool.values() for finding in findings]
    changes += [f"Bỏ nội dung khắc phục: “{short(finding.content)}”" for finding in deletes]
    return changes, saves, deletes
