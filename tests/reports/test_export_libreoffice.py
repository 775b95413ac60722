"""The workbook opens in LibreOffice with the same figures: LibreOffice (headless) converts every
sheet to CSV, and the numbers it read are compared with `report_totals()` through the layout.

Skipped with a notice when LibreOffice is not installed (`apt-get install libreoffice-calc-nogui`).
"""

import csv
import os
import shutil
import subprocess

import pytest

from reports.export import write_report_workbook
from reports.layout import BREAKDOWN_COLUMNS, breakdown_row, summary_sections
from reports.totals import report_totals
from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree where every figure is known

SOFFICE = shutil.which("soffice")
# Field separator, text delimiter, UTF-8, first line 1, ..., -1: every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def number(text: str):
    """A cell as LibreOffice printed it (formatted: "1", "50.0%"), back to a number."""
    if text == "":
        return None
    if text.endswith("%"):
        return round(float(text[:-1]) / 100, 3)
    return int(text)


@pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="NOTICE: LibreOffice (soffice) is not installed; the LibreOffice check is skipped",
)
def test_libreoffice_reads_the_same_figures(world, tmp_path):
    assert SOFFICE, "CI=true but no soffice: .ci/run must install libreoffice-calc-nogui"
    committee = world["units"]["committee"]
    workbook = tmp_path / "bao-cao.xlsx"
    write_report_workbook(committee, 2024, 2025, str(workbook))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    def sheet(name: str) -> list[list[str]]:
        with open(tmp_path / f"bao-cao-{name}.csv", encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    totals = report_totals(committee, 2024, 2025)
    written = [(row[0], row[1]) for row in sheet("Tổng hợp") if len(row) > 1 and row[0]]
    expected = []
    for section in summary_sections(totals, links=False):
        expected.append((section.title, "Số lượng"))
        for line in section.lines:
            value = round(line.value, 3) if line.is_share and line.value is not None else line.value
            expected.append(("    " * line.level + line.label, value))
    start = written.index(expected[0])
    read = [
        (label, text if text == "Số lượng" else number(text))
        for label, text in written[start : start + len(expected)]
    ]
    assert read == expected
    by_year = sheet("Theo năm")
    assert by_year[0][1:] == [column.label for column in BREAKDOWN_COLUMNS]
    for row, figures in zip(by_year[1:], [*totals.by_year.values(), totals.total], strict=True):
        expected = [round(v, 3) if isinstance(v, float) else v for v in breakdown_row(figures)]
        assert [number(cell) for cell in row[1:]] == expected, row[0]
    registrations = sheet("Đăng ký")
    assert len(registrations) == 1 + 9
    assert registrations[1][:5] == ["Nguyễn Văn An", "Đảng viên chính thức", "Chi bộ A", "2024", "2"]
