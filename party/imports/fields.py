"""The form fields of the import sheets' row forms: cells typed as people type them."""

import re

from django import forms

from party.models.records import validate_programme_year
from party.text import search_key

DATE_FORMATS = ["%d/%m/%Y"]
CODE_SEPARATORS = re.compile(r"[,;\n]+")
COUNT_MESSAGE = "Ghi một số nguyên từ 0 trở lên."
# No meeting or conference has this many people; a bigger number is a typo (and would overflow
# the database's integer column at confirmation instead of failing in the preview).
COUNT_MAX = 100_000
COUNT_MAX_MESSAGE = "Số quá lớn: ghi một số nguyên từ 0 đến 100.000."


class LabelChoiceField(forms.ChoiceField):
    """A choice typed as its Vietnamese label, forgiving case and diacritics ("dang vien du bi")."""

    def __init__(self, *, choices, aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(choices=choices, **kwargs)
        self.lookup = {search_key(str(label)): value for value, label in choices}
        self.lookup.update({search_key(value): value for value, _ in choices})
        self.lookup.update({search_key(alias): value for alias, value in (aliases or {}).items()})

    def to_python(self, value):
        value = super().to_python(value)
        return self.lookup.get(search_key(value), value) if value else value

    def validate(self, value):
        if value and value not in dict(self.choices):
            labels = ", ".join(f"“{label}”" for _, label in self.choices if _ != "")
            raise forms.ValidationError(f"Giá trị “{value}” không hợp lệ; chọn một trong: {labels}.")
        super().validate(value)


class UnitCodeField(forms.CharField):
    """A unit code, upper-cased so that “cb-vp” in one sheet is “CB-VP” in another."""

    def __init__(self, **kwargs):
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        return super().clean(value).strip().upper()


class UnitCodesField(forms.CharField):
    """Unit codes separated by commas or semicolons: a sorted tuple, upper-cased, without repeats."""

    def clean(self, value):
        text = super().clean(value)
        return tuple(sorted({code.strip().upper() for code in CODE_SEPARATORS.split(text) if code.strip()}))


class YesNoField(forms.Field):
    """“Có” / “Không”; a blank cell gives `blank` (None: “not given”, so an update keeps the stored value)."""

    YES = {"co", "x", "yes", "1", "true", "dung"}
    NO = {"khong", "no", "0", "false", "sai"}

    def __init__(self, *, blank: bool | None = False, **kwargs):
        super().__init__(**kwargs)
        self.blank = blank

    def to_python(self, value):
        key = search_key(value or "")
        if not key:
            return self.blank
        if key in self.YES:
            return True
        if key in self.NO:
            return False
        raise forms.ValidationError("Ghi “Có”, “Không” hoặc để trống.")


class YearField(forms.IntegerField):
    """A year of the Directive-05 cycle: 2016 to next year."""

    default_validators = [validate_programme_year]  # the models' rule, in one place

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "Ghi năm bằng số, ví dụ 2024."})
        super().__init__(**kwargs)


def count_field(**kwargs) -> forms.IntegerField:
    """A number of people (present, expected, taking part)."""
    return forms.IntegerField(
        min_value=0,
        max_value=COUNT_MAX,
        error_messages={"invalid": COUNT_MESSAGE, "min_value": COUNT_MESSAGE, "max_value": COUNT_MAX_MESSAGE},
        **kwargs,
    )


def date_field(**kwargs) -> forms.DateField:
    """A date typed dd/mm/yyyy, or a real date cell."""
    return forms.DateField(input_formats=DATE_FORMATS, **kwargs)
