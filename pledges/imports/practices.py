"""Sheet “Mô hình, gương điển hình”: good models, practices and exemplary people of past years.

A good practice is matched on its unit, year and title; the units it was replicated to are unit
codes. See party/imports/records.py for what every record sheet shares.
"""

from django import forms

from party.imports.base import short
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, UnitCodesField, YearField
from party.imports.records import RecordSheet
from pledges.models import GoodPractice, PracticeKind


class PracticeRowForm(forms.Form):
    unit_code = UnitCodeField()
    kind = LabelChoiceField(
        choices=PracticeKind.choices,
        aliases={"Gương": PracticeKind.EXEMPLAR, "Cách làm": PracticeKind.PRACTICE},
    )
    year = YearField()
    title = forms.CharField(max_length=400)
    description = forms.CharField(max_length=10000, required=False)
    replicated_to = UnitCodesField(max_length=2000, required=False)


class GoodPracticeSheet(RecordSheet):
    title = "Mô hình, gương điển hình"
    model = GoodPractice
    record_name = "mô hình, gương điển hình"
    key_fields = ("year", "title")
    fields = ("kind", "description", "replicated_to")
    m2m_fields = ("replicated_to",)
    bulk = False
    guidance = (
        "Mô hình, cách làm hay, gương điển hình trong học tập và làm theo Bác: mỗi dòng là một mô hình, "
        "cách làm hoặc gương, nhận ra theo mã đơn vị, năm và tên. Người, tập thể tham gia ghi trên trang "
        "web. Không dùng trang này thì xóa trang đi."
    )
    form_class = PracticeRowForm
    headings = {
        "unit_code": Heading(
            "Mã đơn vị", "Mã đơn vị có mô hình (xem trang Đơn vị).", ("CB-VP",), text_format=True, width=14
        ),
        "kind": Heading("Loại", "Mô hình; Cách làm hay; Gương điển hình.", ("Mô hình",), width=16),
        "year": Heading("Năm", "Năm ghi nhận, ví dụ 2025.", (2025,), width=8),
        "title": Heading("Tên mô hình, cách làm, gương", "", ("Mô hình “Mỗi tuần một việc tốt”",), width=40),
        "description": Heading(
            "Mô tả, kết quả", "", ("Mỗi đảng viên đăng ký và thực hiện một việc tốt mỗi tuần.",), width=40
        ),
        "replicated_to": Heading(
            "Đơn vị đã nhân rộng",
            "Mã các đơn vị đã nhân rộng mô hình, cách nhau bằng dấu phẩy hoặc chấm phẩy.",
            ("",),
            text_format=True,
            width=20,
        ),
    }

    def describe(self, code: str, values: dict) -> str:
        return f"{code} — {PracticeKind(values['kind']).label} năm {values['year']}: {short(values['title'])}"
