"""Documents issued by a unit (văn bản chỉ đạo), each with an optional attached file."""

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from party.models.records import UnitRecord


class DocumentKind(models.TextChoices):
    PLAN = "plan", "Kế hoạch"
    GUIDANCE = "guidance", "Hướng dẫn"
    OFFICIAL_LETTER = "official_letter", "Công văn"
    REPORT = "report", "Báo cáo"
    DECISION = "decision", "Quyết định"
    RESOLUTION = "resolution", "Nghị quyết"
    ETHICAL_CODE = "ethical_code", "Chuẩn mực đạo đức"
    DIRECTIVE = "directive", "Chỉ thị"
    CONCLUSION = "conclusion", "Kết luận"
    OTHER = "other", "Văn bản khác"


def document_file_name(instance: "Document", filename: str) -> str:
    """A generated name: nothing of the uploaded name reaches the disk (the extension is ours)."""
    return f"documents/{uuid.uuid4().hex}{instance.file_extension}"


class Document(UnitRecord):
    kind = models.CharField("loại văn bản", max_length=20, choices=DocumentKind.choices)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=500)
    file = models.FileField("tệp đính kèm", upload_to=document_file_name, blank=True, max_length=200)
    file_original_name = models.CharField("tên tệp gốc", max_length=255, blank=True, editable=False)
    file_content_type = models.CharField(max_length=120, blank=True, editable=False)
    file_size = models.PositiveIntegerField("dung lượng (byte)", null=True, blank=True, editable=False)
    history = HistoricalRecords(verbose_name="lịch sử văn bản")

    year_field = "issued_on"

    class Meta(UnitRecord.Meta):
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản chỉ đạo"
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["issued_on"], name="document_issued_on")]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}" if self.number else self.title

    def search_parts(self) -> list:
        return [self.number, self.title]

    @property
    def file_extension(self) -> str:
        from party.records.files import EXTENSIONS

        return EXTENSIONS.get(self.file_content_type, "")
