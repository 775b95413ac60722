"""Forms of the party app's pages."""

from django import forms
from django.conf import settings

from party.models import UnitKind

PAGE_SIZES = [25, 50, 100, 200]


def valid_values(form: forms.Form) -> dict:
    """The fields that passed validation: a bad parameter is dropped alone, not the whole query."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=100)
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả loại"), *UnitKind.choices])
    dissolved = forms.BooleanField(label="Gồm cả đơn vị đã giải thể", required=False)

    def filter(self, units):
        data = valid_values(self)
        if data.get("q"):
            units = units.search(data["q"])
        if data.get("kind"):
            units = units.filter(kind=data["kind"])
        if not data.get("dissolved"):
            units = units.active()
        return units


class MemberListForm(forms.Form):
    """Search, sort and page size of a unit's member list."""

    SORTS = {
        "name": ("sort_key", "birth_date", "pk"),
        "-name": ("-sort_key", "-birth_date", "-pk"),
        "birth": ("birth_date", "sort_key", "pk"),
        "-birth": ("-birth_date", "sort_key", "pk"),
        "status": ("party_status", "sort_key", "pk"),
        "unit": ("unit__path", "sort_key", "pk"),
        "card": ("party_card_number", "pk"),
    }

    q = forms.CharField(label="Tìm theo tên", required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    per_page = forms.TypedChoiceField(
        label="Số dòng mỗi trang", required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES]
    )

    def apply(self, members):
        data = valid_values(self)
        if data.get("q"):
            members = members.search(data["q"])
        return members.order_by(*self.SORTS[data.get("sort") or "name"])

    @property
    def page_size(self) -> int:
        return valid_values(self).get("per_page") or 50

    @property
    def current_sort(self) -> str:
        return valid_values(self).get("sort") or "name"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text="Dùng tệp mẫu. Dữ liệu chỉ được ghi sau khi anh/chị xem trước và xác nhận.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); giới hạn là {limit / 1048576:.0f} MB."
            )
        return upload
