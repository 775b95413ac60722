"""The review report's Excel export, measured in a process of its own (bench only).

    python -m tests.bench_export <unit pk> <first year> <last year> [--database-name NAME]

Writes the workbook of `reports.export.write_report_workbook` to a temporary file and prints
`rows N`, `seconds S`, `bytes B` and `peak_mib M`, the peak resident memory of this process
(Django's start-up included), as a worker that runs the export would see it. Run as a child of
tests/bench_report.py, so that the bench's other work stays out of that figure.

The peak is the kernel's high-water mark of this process's own memory (VmHWM). The parent's
`getrusage(RUSAGE_CHILDREN).ru_maxrss` would not do: Linux carries the high-water mark of the
memory a process replaces at exec into its maximum, so a child started by the bench reports at
least the bench's own peak (121 MiB, when this export peaks at 71). Exits with status 3 when the
export module does not exist yet.
"""

import argparse
import importlib.util
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

MISSING = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("unit", type=int)
    parser.add_argument("first_year", type=int)
    parser.add_argument("last_year", type=int)
    parser.add_argument("--database-name", help="the database to read (default: DATABASE_URL's)")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    if importlib.util.find_spec("reports.export") is None:
        sys.exit(MISSING)
    from django.db import connection

    if options.database_name:
        connection.settings_dict["NAME"] = options.database_name
    from party.models import Unit
    from reports.export import write_report_workbook

    unit = Unit.objects.get(pk=options.unit)
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        started = time.perf_counter()
        rows = write_report_workbook(unit, options.first_year, options.last_year, out)
        seconds = time.perf_counter() - started
        size = out.tell()
    print(f"rows {rows}\nseconds {seconds:.3f}\nbytes {size}\npeak_mib {peak_mib():.2f}", flush=True)


def peak_mib() -> float:
    """This process's peak resident memory: VmHWM where /proc has it (Linux), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


if __name__ == "__main__":
    main()
