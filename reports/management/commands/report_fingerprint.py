"""Prints what a restored database must match: every table's row count and the review report totals.

One stable, sorted line per figure, so two databases compare with `diff` (scripts/restore_drill):
`rows <table> <count>`, then for every root unit over 2016..this year `report <unit> <part> <figure>
<value>` for the total, each year and each direct child.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterator

from django.apps import apps
from django.core.management.base import BaseCommand

from party.models import Unit
from party.years import FIRST_YEAR, current_year
from reports.totals import Figures, report_totals


def figure_lines(prefix: str, figures: Figures) -> Iterator[str]:
    for item in dataclasses.fields(figures):
        value = getattr(figures, item.name)
        if isinstance(value, Counter):
            for key, count in sorted(value.items(), key=lambda pair: str(pair[0])):
                yield f"{prefix} {item.name}[{key}] {count}"
        else:
            yield f"{prefix} {item.name} {value}"


class Command(BaseCommand):
    help = "Row counts of every table and the review report totals of every root unit, one a line."

    def handle(self, *args, **options) -> None:
        models = apps.get_models(include_auto_created=True)
        for model in sorted(models, key=lambda model: model._meta.db_table):
            self.stdout.write(f"rows {model._meta.db_table} {model._default_manager.count()}")
        last_year = current_year()
        for root in Unit.objects.get_root_nodes().order_by("path"):
            totals = report_totals(root, FIRST_YEAR, last_year)
            name = f"{root.code}#{root.pk}"
            parts = [("total", totals.total), *totals.by_year.items()]
            parts += [(f"child:{row.unit.code}#{row.unit.pk}", row.figures) for row in totals.by_child]
            for part, figures in parts:
                for line in figure_lines(f"report {name} {part}", figures):
                    self.stdout.write(line)
