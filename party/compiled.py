"""ORM querysets compiled to SQL once per process, then run again with new values.

The review report's grouped queries are the same for every report: only the unit's path and the
years change. Building and compiling them with the ORM cost about 25 ms of Python a report, more
than PostgreSQL took to answer them for a committee (docs/decisions.md). Here the values that
change are `Slot`s, placeholders left open in the compiled SQL, so a query is built once and each
report only fills in its values: the SQL and the rows are exactly the ORM's.
"""

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from django.db import connection
from django.db.models import Expression, Field, Model, QuerySet


class Slot(Expression):
    """A value left open in a compiled query, filled in from the `values` of each run by name."""

    def __init__(self, name: str, output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return "%s", [self]


def fill(params: Iterable, values: Mapping[str, object]) -> list:
    """The parameters of a compiled query, each slot replaced by its value in database form."""
    return [
        param.output_field.get_db_prep_value(values[param.name], connection)
        if isinstance(param, Slot)
        else param
        for param in params
    ]


class CompiledQuery:
    """A queryset's SQL with its slots, and how to turn its rows into what the ORM would return:
    `rows()` for a `values()` queryset, `objects()` for a queryset of model instances."""

    def __init__(self, queryset: QuerySet) -> None:
        query = queryset.query
        self.model = queryset.model
        self.compiler = query.get_compiler(queryset.db)
        self.sql, self.params = self.compiler.as_sql()
        # The row dicts' keys, as django.db.models.query.ValuesIterable names them.
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def rows(self, values: Mapping[str, object]) -> list[dict]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, fill(self.params, values))
            fetched = cursor.fetchall()
        # The ORM's own converters (dates and booleans on SQLite, for instance).
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.compiler.results_iter(results=[fetched])]

    def objects(self, values: Mapping[str, object]) -> list[Model]:
        """The model instances, annotations as attributes: Django's raw() maps the columns back to
        fields by name, with the fields' converters."""
        return list(self.model._default_manager.raw(self.sql, fill(self.params, values)))


class HasValues(Protocol):
    values: Mapping[str, object]  # a value for each slot, by name


def compile_once(build: Callable[[], QuerySet]) -> Callable[[], CompiledQuery]:
    """Turns `build()`, a queryset with slots, into a function that returns it compiled: built
    and compiled at the first call only, in each process."""
    return functools.wraps(build)(functools.cache(lambda: CompiledQuery(build())))


def compiled(build: Callable[[], QuerySet]) -> Callable[[HasValues], list[dict]]:
    """Turns `build()`, a queryset with slots, into a function of a scope that returns its rows
    (as `values()` dicts) for the scope's values; the queryset is built and compiled at the
    first call only."""
    query = compile_once(build)

    @functools.wraps(build)
    def run(scope: HasValues) -> list[dict]:
        return query().rows(scope.values)

    return run
