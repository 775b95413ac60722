"""The year-end rating of the “Đăng ký” sheet: its score column and the rule in force each year.

The checks are those of the cell's evaluation table (pledges.evaluation): the levels, and whether
the score decides the level, come from the rating scale in force for the year.
"""

from decimal import Decimal

from party.imports.base import Sheet, SourceRow, show
from party.text import search_key
from pledges.evaluation import ScoreField
from pledges.models import Pledge, PledgeStatus, RatingLevel, RatingScale


class CellScoreField(ScoreField):
    """A score typed as 85,5 or 85.5 or stored as a number cell, whatever the language of the page."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class RatingRules:
    """The rating rule in force for each year of the rows, loaded once; errors go to the sheet."""

    def __init__(self, sheet: Sheet, years: set[int]):
        self.sheet = sheet
        self.scales = {year: RatingScale.objects.in_force_for_year(year) for year in years}

    def resolve(self, row: SourceRow, data: dict) -> bool:
        """The level named in the row, from the rule in force that year."""
        scale = self.scales.get(data["year"])
        name = data["rating"]
        if not name:
            data["rating"] = None
            return True
        if scale is None:
            self.sheet.error(row.number, "rating", _no_scale(data["year"]))
            return False
        levels = {search_key(level.name): level for level in scale.levels.all()}
        level = levels.get(search_key(name))
        if level is None:
            names = ", ".join(f"“{lv.name}”" for lv in sorted(scale.levels.all(), key=lambda lv: lv.position))
            self.sheet.error(
                row.number,
                "rating",
                f"“{name}” không phải mức xếp loại của {scale.name} (áp dụng năm {data['year']}); "
                f"chọn một trong: {names}.",
            )
            return False
        data["rating"] = level
        return True

    def evaluate(self, values: dict, sources: dict, year: int, current: Pledge | None) -> bool:
        """Check the rating, score and reason together; set the level a score decides, and the status."""
        scale = self.scales.get(year)
        level: RatingLevel | None = values["rating"]
        score: Decimal | None = values["score"]
        reason = values["not_evaluated_reason"]
        if reason and (level is not None or score is not None):
            self.sheet.error(
                sources["not_evaluated_reason"],
                "not_evaluated_reason",
                "Đã ghi lý do chưa đánh giá thì để trống Xếp loại và Điểm (hoặc xóa lý do).",
            )
            return False
        if score is not None:
            if scale is None:
                self.sheet.error(sources["score"], "score", _no_scale(year))
                return False
            if scale.uses_score:
                by_score = scale.level_for_score(score)
                if level is None and by_score is None:
                    self.sheet.error(
                        sources["score"],
                        "score",
                        f"Điểm {show(score)} không ứng với mức nào của {scale.name}.",
                    )
                    return False
                if level is None:
                    level = values["rating"] = by_score
                elif (
                    by_score is not None
                    and level.pk != by_score.pk
                    and not _reason_on_record(current, level, score)
                ):
                    self.sheet.error(
                        sources["rating"],
                        "rating",
                        f"Xếp loại “{level.name}” khác mức theo điểm: điểm {show(score)} là "
                        f"“{by_score.name}” theo {scale.name}. Sửa xếp loại hoặc điểm cho khớp.",
                    )
                    return False
            elif level is None:
                self.sheet.error(
                    sources["score"],
                    "score",
                    f"Năm {year} xếp loại theo {scale.name}, không suy ra từ điểm: hãy ghi Xếp loại.",
                )
                return False
        if level is not None:
            values["status"] = PledgeStatus.EVALUATED
        elif reason:
            values["status"] = PledgeStatus.NOT_EVALUATED
        else:
            values["status"] = PledgeStatus.REGISTERED
        return True


def _no_scale(year: int) -> str:
    return (
        f"Chưa có quy định xếp loại nào áp dụng cho năm {year}; "
        "quản trị hệ thống cần thêm quy định đó trong trang quản trị."
    )


def _reason_on_record(current: Pledge | None, level: RatingLevel, score: Decimal) -> bool:
    """The cell already recorded, in the app, why this rating differs from the score's level."""
    return (
        current is not None
        and current.rating_id == level.pk
        and current.score == score
        and bool(current.rating_reason.strip())
    )
