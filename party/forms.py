"""Forms of the party app's pages."""

from django import forms
from django.conf import settings
from django.http import QueryDict

PAGE_SIZES = [25, 50, 100, 200]


class PageSizeForm(forms.Form):
    """How many rows a page of a long list shows; a bad value is the default."""

    DEFAULT = 50

    per_page = forms.TypedChoiceField(
        label="Số dòng mỗi trang", required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES]
    )

    def __init__(self, query: QueryDict, **kwargs) -> None:
        super().__init__({"per_page": query.get("per_page", self.DEFAULT)}, **kwargs)

    @property
    def size(self) -> int:
        if not self.is_valid():
            return self.DEFAULT
        return self.cleaned_data["per_page"] or self.DEFAULT


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
