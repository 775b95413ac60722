"""A sheet's columns: the fields of its row form, each with the heading the sheet gives it.

The row form says what a column holds (its name, type, whether it is required); the heading says
how the template presents it (title, help, examples, width). The downloadable template, the
reading of the header row and the error messages all read the `Column`s made from the two.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Heading:
    """What a sheet says about one field of its row form: the column's title, help and examples."""

    title: str
    help: str = ""
    example: tuple[Any, ...] = ()
    text_format: bool = False  # keep leading zeros: the template formats the column as text
    width: int = 18


@dataclass(frozen=True)
class Column:
    """One column of a sheet: a field of the row form with its heading (see `columns_of`)."""

    header: str  # as in the template's first row, with “*” when the field is required
    name: str
    required: bool
    help: str
    example: tuple[Any, ...]
    text_format: bool
    width: int


def columns_of(form_class: type[forms.Form], headings: dict[str, Heading]) -> tuple[Column, ...]:
    """The row form's fields in order, each with its heading; refuses a field without a heading
    or a heading without a field, so a column is never added to one and forgotten in the other."""
    fields = form_class.base_fields
    if set(fields) != set(headings):
        raise ImproperlyConfigured(
            f"{form_class.__name__}: fields without a heading {sorted(set(fields) - set(headings))}, "
            f"headings without a field {sorted(set(headings) - set(fields))}"
        )
    return tuple(
        Column(
            header=headings[name].title + ("*" if form_field.required else ""),
            name=name,
            required=form_field.required,
            help=headings[name].help,
            example=headings[name].example,
            text_format=headings[name].text_format,
            width=headings[name].width,
        )
        for name, form_field in fields.items()
    )
