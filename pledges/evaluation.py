"""The year-end evaluation table of a cell: one row form per registration, saved all or nothing.

The rules (which levels, whether the score decides the level) come from the rating scale in force
for the year, so a new rule added in admin needs no code.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import formats, timezone

from party.models import Member, Unit
from pledges.models import (
    NotEvaluatedReason,
    Pledge,
    PledgeStatus,
    RatingLevel,
    RatingScale,
    registration_readable,
)

SCORE_ERRORS = {
    "invalid": "Điểm phải là một số, ví dụ 85 hoặc 85,5.",
    "min_value": "Điểm phải từ 0 đến 100.",
    "max_value": "Điểm phải từ 0 đến 100.",
    "max_digits": "Điểm phải từ 0 đến 100.",
    "max_whole_digits": "Điểm phải từ 0 đến 100.",
    "max_decimal_places": "Điểm chỉ có tối đa 2 chữ số sau dấu phẩy.",
}
POSTED_VERSION = re.compile(r"^p(\d+)-version$")


class ScoreField(forms.DecimalField):
    """An optional score out of 100, two decimals at most: the rule of this table and of the import."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=0,
            max_value=100,
            max_digits=5,
            decimal_places=2,
            error_messages=SCORE_ERRORS,
            **kwargs,
        )


def _plain(score: Decimal | None) -> Decimal | None:
    """80.00 shown as "80" and 69.50 as "69,5", as a person would type them."""
    if score is None:
        return None
    return score.quantize(Decimal(1)) if score == score.to_integral_value() else score.normalize()


class EvaluationForm(forms.Form):
    """One person's evaluation: deeds carried out, score, rating, comment, or "chưa đánh giá"."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    score = ScoreField(
        label="Điểm",
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
    )
    rating = forms.TypedChoiceField(label="Xếp loại", required=False, coerce=int, empty_value=None)
    rating_reason = forms.CharField(
        label="Lý do xếp loại khác mức theo điểm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 20}),
    )
    evaluation_comment = forms.CharField(
        label="Nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 20})
    )
    not_evaluated_reason = forms.ChoiceField(
        label="Chưa đánh giá",
        required=False,
        choices=[("", "—"), *NotEvaluatedReason.choices],
    )

    def __init__(self, data=None, *, pledge: Pledge, scale: RatingScale, **kwargs):
        self.pledge = pledge
        self.scale = scale
        # Levels come from the scale's prefetched list: no query per row.
        self.levels = {level.pk: level for level in sorted(scale.levels.all(), key=lambda lv: lv.position)}
        deeds = list(pledge.deeds.all())
        initial = {
            "version": pledge.version,
            "score": _plain(pledge.score),
            "rating": pledge.rating_id if pledge.rating_id in self.levels else None,
            "rating_reason": pledge.rating_reason,
            "evaluation_comment": pledge.evaluation_comment,
            "not_evaluated_reason": pledge.not_evaluated_reason,
            **{f"deed_{deed.pk}": bool(deed.done) for deed in deeds},
        }
        super().__init__(data, prefix=f"p{pledge.pk}", initial=initial, **kwargs)
        self.fields["rating"].choices = [("", "—"), *((pk, level.name) for pk, level in self.levels.items())]
        if not scale.uses_score:
            del self.fields["rating_reason"]
        self.deeds = deeds
        for deed in deeds:
            self.fields[f"deed_{deed.pk}"] = forms.BooleanField(label=deed.content, required=False)
        self.outcome: str | None = None

    def deed_fields(self) -> list[tuple]:
        return [(deed, self[f"deed_{deed.pk}"]) for deed in self.deeds]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("rating") is not None
            or data.get("score") is not None
            or data.get("not_evaluated_reason")
            or data.get("evaluation_comment", "").strip()
            or data.get("rating_reason", "").strip()
            or any(data.get(f"deed_{deed.pk}") for deed in self.deeds)
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        rating = self.levels.get(data.get("rating"))
        score = data.get("score")
        if data.get("not_evaluated_reason"):
            if rating is not None or score is not None:
                raise forms.ValidationError(
                    "Đã chọn “chưa đánh giá” thì để trống điểm và xếp loại (hoặc bỏ chọn “chưa đánh giá”)."
                )
            self.outcome = PledgeStatus.NOT_EVALUATED
            return data
        if self.is_blank():
            return data  # not evaluated yet: allowed, nothing is saved for this row
        if self.scale.uses_score and score is not None:
            by_score = self.scale.level_for_score(score)
            if rating is None:
                rating = by_score
            elif (
                by_score is not None
                and rating.pk != by_score.pk
                and not data.get("rating_reason", "").strip()
            ):
                raise forms.ValidationError(
                    f"Điểm {formats.number_format(score)} ứng với mức “{by_score.name}”; "
                    f"xếp loại “{rating.name}” thì phải ghi lý do."
                )
        if rating is None:
            if self.scale.uses_score and score is not None:
                raise forms.ValidationError(
                    f"Điểm {formats.number_format(score)} không ứng với mức nào; hãy chọn xếp loại."
                )
            raise forms.ValidationError(
                "Chưa có xếp loại: hãy chọn xếp loại"
                + (" hoặc nhập điểm" if self.scale.uses_score else "")
                + ", hoặc chọn “chưa đánh giá” và lý do."
            )
        data["level"] = rating
        self.outcome = PledgeStatus.EVALUATED
        return data

    def error_messages(self) -> list[str]:
        """Every error of the row as "Field: message", for the summary above the table."""
        found = []
        for name, errors in self.errors.items():
            label = "" if name == NON_FIELD_ERRORS else str(self.fields[name].label)
            found.extend(error if error.startswith(label) else f"{label}: {error}" for error in errors)
        return found


@dataclass
class Row:
    """A person of the cell in the year, their registration if any, and the form if editable."""

    number: int
    member: Member
    pledge: Pledge | None
    editable: bool
    readable: bool  # the person's registration page opens for the reader (registration_readable)
    form: EvaluationForm | None = None
    stale: bool = False
    deeds: list = field(default_factory=list)


class StaleEvaluation(Exception):
    """Registrations changed (edited, evaluated, reopened) after the table was opened."""

    def __init__(self, pledge_ids: set[int]):
        super().__init__(pledge_ids)
        self.pledge_ids = pledge_ids


class EvaluationTable:
    """Every person of a unit in a year with their registration, in a fixed number of queries."""

    def __init__(self, *, unit: Unit, year: int, scale: RatingScale | None, can_edit: bool, user):
        self.unit, self.year, self.scale = unit, year, scale
        pledges = Pledge.objects.select_related("rating", "unit").prefetch_related("deeds")
        people = pledges.of_people_in(unit, year)
        self.rows = []
        for number, (member, pledge) in enumerate(people, start=1):
            editable = (
                can_edit
                and scale is not None
                and pledge is not None
                and not pledge.is_locked
                # A registration made in another cell (before a transfer) stays with that cell.
                and pledge.unit.path.startswith(unit.path)
            )
            deeds = list(pledge.deeds.all()) if pledge else []
            readable = registration_readable(user, member, pledge)
            self.rows.append(Row(number, member, pledge, editable, readable, deeds=deeds))

    @property
    def forms(self) -> list[EvaluationForm]:
        """The submitted rows; a row that was not on the page when it was loaded is left alone."""
        return [row.form for row in self.rows if row.form is not None and row.form.is_bound]

    def bind(self, data=None) -> None:
        """Attach a form to each editable row; rows missing from `data` start from the database."""
        for row in self.rows:
            if row.editable:
                posted = data is not None and f"p{row.pledge.pk}-version" in data
                row.form = EvaluationForm(data if posted else None, pledge=row.pledge, scale=self.scale)

    def stale_rows(self, data) -> list[Row]:
        """Rows whose registration is not as it was when the page was loaded."""
        posted = {int(m.group(1)): data[key] for key in data if (m := POSTED_VERSION.match(key))}
        stale = []
        for row in self.rows:
            if row.pledge is None:
                continue
            sent = posted.get(row.pledge.pk)
            if sent is not None and (not row.editable or sent != str(row.pledge.version)):
                stale.append(row)
        return stale

    def mark_stale(self, pledge_ids) -> list[Row]:
        rows = [row for row in self.rows if row.pledge is not None and row.pledge.pk in pledge_ids]
        for row in rows:
            row.stale = True
        return rows

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])  # every row validated, to show all errors

    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.form is not None and row.form.errors]

    def counts(self) -> dict[str, int]:
        return {
            status: sum(1 for form in self.forms if form.outcome == status)
            for status in (PledgeStatus.EVALUATED, PledgeStatus.NOT_EVALUATED)
        }


def refreshed_versions(data, table: EvaluationTable):
    """The posted data with each posted row's version set to the one now stored.

    After a refusal the person sees the current state and what they typed; their next save is
    then a decision made knowingly, not a silent overwrite.
    """
    data = data.copy()
    for row in table.rows:
        if row.editable and f"p{row.pledge.pk}-version" in data:
            data[f"p{row.pledge.pk}-version"] = str(row.pledge.version)
    return data


@transaction.atomic
def evaluate_cell(*, table: EvaluationTable) -> dict[str, int]:
    """Save every filled row of a validated table, or nothing if any registration changed.

    Each change goes through `.save()` so the history records it with the user.
    """
    forms_by_pk = {form.pledge.pk: form for form in table.forms}
    current = {p.pk: p for p in Pledge.objects.select_for_update().order_by().filter(pk__in=forms_by_pk)}
    stale = {
        pk
        for pk, form in forms_by_pk.items()
        if pk not in current
        or current[pk].version != form.cleaned_data["version"]
        or current[pk].status != PledgeStatus.REGISTERED
    }
    if stale:
        raise StaleEvaluation(stale)
    now = timezone.now()
    for pk, form in forms_by_pk.items():
        if form.outcome is None:
            continue
        pledge, data = current[pk], form.cleaned_data
        pledge.status = form.outcome
        pledge.evaluation_comment = data["evaluation_comment"].strip()
        if form.outcome == PledgeStatus.EVALUATED:
            level: RatingLevel = data["level"]
            pledge.rating = level
            pledge.score = data["score"]
            pledge.rating_reason = data.get("rating_reason", "").strip()
            pledge.not_evaluated_reason = ""
            pledge.evaluated_at = now
        else:
            pledge.rating = None
            pledge.score = None
            pledge.rating_reason = ""
            pledge.not_evaluated_reason = data["not_evaluated_reason"]
            pledge.evaluated_at = None
        pledge.version += 1
        pledge.save()
        # The version was unchanged, so the deeds are those the form was built from.
        for deed in form.deeds:
            done = bool(data[f"deed_{deed.pk}"])
            if deed.done is not done:
                deed.done = done
                deed.save()
    return table.counts()
