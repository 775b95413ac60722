"""The cell page's CPU instructions a request, under callgrind (by hand, like the load tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lamtheobac_load python -m tests.load.callgrind

Instructions do not vary with how busy the machine is, so this figure compares two versions of
the code where a timing could not. One secretary on a cell of about 50 members
(`loadtest_accounts`, so the database name must end with `_load`) opens the cell page through
Django's WSGI handler, in one process under `valgrind --tool=callgrind`: once with 2 requests
and once with 12. The difference divided by 10 is a request without the start-up, the imports and
the first request's one-time work. The database server's own work is not counted.
"""

import argparse
import csv
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECURE_COOKIES": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
}


def serve(path: str, session: str, requests: int) -> None:
    """The measured process: `requests` GETs of `path` through Django's WSGI handler."""
    import io

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": f"sessionid={session}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    for _ in range(requests):
        body = application(dict(environ), lambda status, headers, *args: statuses.append(status))
        content = b"".join(body)
        body.close()
        if not statuses[-1].startswith("200") or b"<tbody>" not in content:
            raise SystemExit(f"{path} answered {statuses[-1]}, not the cell page")


def instructions(path: str, session: str, requests: int, env: dict[str, str]) -> int:
    out = Path(tempfile.mktemp(prefix="lamtheobac-callgrind-", suffix=".out"))
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    command += [PYTHON, "-m", "tests.load.callgrind", "--serve", path, session, str(requests)]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True, capture_output=True)
    total = int(re.search(r"^summary: (\d+)", out.read_text(), re.MULTILINE).group(1))
    out.unlink()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", nargs=3, metavar=("PATH", "SESSION", "REQUESTS"), help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, default=time.localtime().tm_year)
    args = parser.parse_args()
    if args.serve:
        path, session, requests = args.serve
        serve(path, session, int(requests))
        return
    database = os.environ.get("DATABASE_URL", "")
    if not database.rstrip("/").endswith("_load"):
        raise SystemExit("DATABASE_URL must name a database ending with _load (a copy: an account is added).")
    env = os.environ | SETTINGS | {"SECRET_KEY": secrets.token_urlsafe(50)}
    accounts = Path(tempfile.mktemp(prefix="lamtheobac-accounts-", suffix=".csv"))
    create = ["loadtest_accounts", "1", "--members", "50", "--output", str(accounts)]
    subprocess.run([PYTHON, "manage.py", *create], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    with accounts.open(newline="") as file:
        _name, cell, members, session = next(csv.reader(file))
    accounts.unlink()
    path = f"/cells/{cell}/{args.year}/"
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    two, twelve = (instructions(path, session, requests, env) for requests in (2, 12))
    print(f"cell_page_members {members}")
    print(f"cell_page_instructions_per_request {(twelve - two) / 10:.0f}")


if __name__ == "__main__":
    main()
