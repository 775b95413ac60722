"""Sheets of a unit's routine party work: “Sinh hoạt chi bộ”, “Văn bản”, “Hội nghị, sự kiện”.

Natural keys (with the unit): a meeting is its date and kind; a document its date and number (or
date and title when it has no number); a conference its date and title. See records.py.
"""

import datetime
from typing import Any

from django import forms

from party.imports.base import short, text_key
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, YesNoField, count_field, date_field
from party.imports.records import Item, RecordSheet
from party.models import Conference, ConferenceKind, Document, DocumentKind, Meeting, MeetingKind, UnitKind

# Sinh hoạt chi bộ ------------------------------------------------------------------------


class MeetingRowForm(forms.Form):
    unit_code = UnitCodeField()
    held_on = date_field()
    kind = LabelChoiceField(
        choices=MeetingKind.choices,
        aliases={"Định kỳ": MeetingKind.REGULAR, "Chuyên đề": MeetingKind.THEMATIC},
    )
    includes_directive = YesNoField(required=False)
    topic = forms.CharField(max_length=400, required=False)
    theme = forms.CharField(max_length=400, required=False)
    attendance_present = count_field()
    attendance_expected = count_field()
    note = forms.CharField(max_length=4000, required=False)

    def clean(self):
        data = super().clean()
        present, expected = data.get("attendance_present"), data.get("attendance_expected")
        if present is not None and expected is not None and present > expected:
            self.add_error("attendance_present", f"Số có mặt ({present}) lớn hơn số phải dự ({expected}).")
        if data.get("includes_directive") and not data.get("topic"):
            self.add_error("topic", "Có nội dung Chỉ thị 05 thì ghi nội dung đã học tập, trao đổi.")
        return data


class MeetingSheet(RecordSheet):
    title = "Sinh hoạt chi bộ"
    open_to_secretaries = True  # see party.access.can_import_sheet: only cells in the user's scope
    model = Meeting
    record_name = "buổi sinh hoạt"
    key_fields = ("held_on", "kind")
    fields = ("includes_directive", "topic", "theme", "attendance_present", "attendance_expected", "note")
    related = ("theme",)
    unit_kinds = UnitKind.cells()
    unit_kind_message = "“{code}” là {kind}; sinh hoạt chi bộ chỉ ghi cho chi bộ."
    guidance = (
        "Các buổi sinh hoạt chi bộ: mỗi dòng là một buổi. Một chi bộ, một ngày, một hình thức là một "
        "buổi: nhập lại tệp thì buổi đã có được cập nhật theo tệp, không tạo buổi trùng. Bí thư chi bộ "
        "nhập được trang này cho chi bộ của mình. Không dùng trang này thì xóa trang đi."
    )
    form_class = MeetingRowForm
    headings = {
        "unit_code": Heading(
            "Mã chi bộ", "Mã chi bộ (xem trang Đơn vị).", ("CB-VP", "CB-VP"), text_format=True, width=14
        ),
        "held_on": Heading(
            "Ngày sinh hoạt", "dd/mm/yyyy.", (datetime.date(2025, 3, 5), datetime.date(2025, 5, 19)), width=14
        ),
        "kind": Heading("Hình thức", "Định kỳ hoặc Chuyên đề.", ("Định kỳ", "Chuyên đề"), width=14),
        "includes_directive": Heading(
            "Có nội dung Chỉ thị 05",
            "“Có” nếu buổi sinh hoạt có nội dung học tập và làm theo Bác; để trống là “Không”.",
            ("Có", "Có"),
            width=12,
        ),
        "topic": Heading(
            "Nội dung, chủ đề",
            "Bắt buộc khi có nội dung Chỉ thị 05: nội dung đã học tập, trao đổi.",
            ("Kiểm điểm việc thực hiện bản đăng ký quý I", "Phong cách làm việc của Bác"),
            width=40,
        ),
        "theme": Heading(
            "Chuyên đề",
            "Tên chuyên đề đúng như trong danh mục chuyên đề; để trống nếu không theo chuyên đề nào.",
            ("", ""),
            width=30,
        ),
        "attendance_present": Heading("Số có mặt", "Số đảng viên có mặt.", (12, 14), width=10),
        "attendance_expected": Heading("Số phải dự", "Không nhỏ hơn số có mặt.", (15, 15), width=10),
        "note": Heading("Ghi chú", "", ("", ""), width=30),
    }

    def values(self, data: dict) -> dict[str, Any]:
        values = super().values(data)
        values["theme"] = self.find_theme(data["theme"], data["held_on"].year)
        return values

    def describe(self, code: str, values: dict) -> str:
        return f"{code} — {MeetingKind(values['kind']).label} {values['held_on']:%d/%m/%Y}"


# Văn bản --------------------------------------------------------------------------------


class DocumentRowForm(forms.Form):
    unit_code = UnitCodeField()
    kind = LabelChoiceField(choices=DocumentKind.choices)
    number = forms.CharField(max_length=60, required=False)
    issued_on = date_field()
    title = forms.CharField(max_length=500)


class DocumentSheet(RecordSheet):
    title = "Văn bản"
    model = Document
    record_name = "văn bản"
    key_fields = ("issued_on", "number")
    fields = ("kind", "title")
    guidance = (
        "Văn bản chỉ đạo do đơn vị ban hành (kế hoạch, hướng dẫn, công văn, báo cáo...): mỗi dòng là một "
        "văn bản. Văn bản được nhận ra theo đơn vị, ngày ban hành và số ký hiệu (văn bản không có số thì "
        "theo trích yếu). Tệp đính kèm không nhập qua Excel: đính kèm trên trang của văn bản. "
        "Không dùng trang này thì xóa trang đi."
    )
    form_class = DocumentRowForm
    headings = {
        "unit_code": Heading(
            "Mã đơn vị ban hành",
            "Mã đơn vị ban hành văn bản (xem trang Đơn vị).",
            ("DB-SXD", "CB-VP"),
            text_format=True,
            width=14,
        ),
        "kind": Heading(
            "Loại văn bản",
            "Một trong: " + "; ".join(DocumentKind.labels) + ".",
            ("Kế hoạch", "Báo cáo"),
            width=16,
        ),
        "number": Heading(
            "Số, ký hiệu", "Ví dụ 25-KH/ĐU.", ("25-KH/ĐU", "08-BC/CB"), text_format=True, width=14
        ),
        "issued_on": Heading(
            "Ngày ban hành", "dd/mm/yyyy.", (datetime.date(2025, 1, 20), datetime.date(2025, 6, 25)), width=14
        ),
        "title": Heading(
            "Trích yếu",
            "Trích yếu nội dung văn bản.",
            ("Thực hiện Chỉ thị 05-CT/TW năm 2025", "Sơ kết 6 tháng thực hiện Chỉ thị 05-CT/TW"),
            width=48,
        ),
    }

    def key(self, code: str, values: dict) -> tuple:
        """Date and number; without a number, date and title."""
        if values["number"]:
            return (code, values["issued_on"], "số", text_key(values["number"]))
        return (code, values["issued_on"], "trích yếu", text_key(values["title"]))

    def key_text(self, item: Item) -> str:
        values = item.values
        which = f"số {values['number']}" if values["number"] else f"trích yếu “{short(values['title'])}”"
        return f"đơn vị {item.code}, ngày {values['issued_on']:%d/%m/%Y}, {which}"

    def describe(self, code: str, values: dict) -> str:
        number = f" số {values['number']}" if values["number"] else ""
        kind = DocumentKind(values["kind"]).label
        return f"{code} — {kind}{number} ngày {values['issued_on']:%d/%m/%Y}: {short(values['title'])}"


# Hội nghị, sự kiện ----------------------------------------------------------------------------


class ConferenceRowForm(forms.Form):
    unit_code = UnitCodeField()
    kind = LabelChoiceField(
        choices=ConferenceKind.choices,
        aliases={
            "Sơ kết": ConferenceKind.PRELIMINARY_REVIEW,
            "Tổng kết": ConferenceKind.FINAL_REVIEW,
            "Họp mặt": ConferenceKind.EXEMPLARS_MEETING,
            "Tuyên dương": ConferenceKind.EXEMPLARS_MEETING,
            "Khác": ConferenceKind.OTHER,
        },
    )
    held_on = date_field()
    title = forms.CharField(max_length=400)
    participants = count_field(required=False)
    theme = forms.CharField(max_length=400, required=False)
    note = forms.CharField(max_length=4000, required=False)


class ConferenceSheet(RecordSheet):
    title = "Hội nghị, sự kiện"
    model = Conference
    record_name = "hội nghị, sự kiện"
    key_fields = ("held_on", "title")
    fields = ("kind", "participants", "theme", "note")
    related = ("theme",)
    guidance = (
        "Hội nghị sơ kết, tổng kết, họp mặt gương điển hình, hội thi, tọa đàm: mỗi dòng là một hội nghị, "
        "sự kiện, nhận ra theo đơn vị tổ chức, ngày và tên. Không dùng trang này thì xóa trang đi."
    )
    form_class = ConferenceRowForm
    headings = {
        "unit_code": Heading(
            "Mã đơn vị tổ chức",
            "Mã đơn vị tổ chức (xem trang Đơn vị).",
            ("DB-SXD",),
            text_format=True,
            width=14,
        ),
        "kind": Heading(
            "Loại", "Một trong: " + "; ".join(ConferenceKind.labels) + ".", ("Hội nghị sơ kết",), width=22
        ),
        "held_on": Heading("Ngày tổ chức", "dd/mm/yyyy.", (datetime.date(2025, 7, 10),), width=14),
        "title": Heading(
            "Tên hội nghị, sự kiện", "", ("Hội nghị sơ kết 6 tháng thực hiện Chỉ thị 05-CT/TW",), width=44
        ),
        "participants": Heading("Số người dự", "Số người tham dự.", (85,), width=10),
        "theme": Heading(
            "Chuyên đề", "Tên chuyên đề đúng như trong danh mục chuyên đề; có thể để trống.", ("",), width=30
        ),
        "note": Heading("Ghi chú", "", ("Biểu dương 5 tập thể, 12 cá nhân",), width=30),
    }

    def values(self, data: dict) -> dict[str, Any]:
        values = super().values(data)
        values["theme"] = self.find_theme(data["theme"], data["held_on"].year)
        return values

    def describe(self, code: str, values: dict) -> str:
        return f"{code} — {short(values['title'])} ({values['held_on']:%d/%m/%Y})"
