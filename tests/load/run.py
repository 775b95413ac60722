"""Load tests by hand (`make loadtest`): the production command on a copy of the province data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lamtheobac_load python -m tests.load.run

The database name must end with `_load` (accounts are added to it). Starts scripts/serve on
127.0.0.1:LOAD_PORT (plain HTTP, SECURE_COOKIES=false), then runs locust headless, one scenario
after another, and prints one figure a line and a summary line (PASS/FAIL against the targets):
- secretaries: N secretaries, 10-20 s think time, 70% reads / 25% saves / 5% exports; afterwards
  every registration saved is in the database with the text last saved;
- cell: 50 connections without think time on one secretary's cell page (about 50 members), with
  wrk when installed (locust otherwise), once with the server's CONN_MAX_AGE and, with
  --compare-conn-max-age, once with 0: figures for information (throughput, latency, CPU a
  request), only errors fail the run (its throughput target measured the box, not the product);
- logins: 2 logins (and logouts) a second;
- pg-restart (only with --pg-restart): PostgreSQL restarted during a light run; errors must stop
  once it is back, without restarting the app. Never while other people's tests use the cluster.
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = BASE_DIR / ".venv" / "bin"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# The cluster serving DATABASE_URL; a scratch cluster of one's own (pg_createcluster) is safest.
RESTART = os.environ.get("LOAD_PG_RESTART", "pg_ctlcluster 15 main restart")


def cpu_ticks(server: "Server") -> dict[int, tuple[int, bool]]:
    """CPU ticks used so far by each of the server's processes and of its database's backends,
    with whether the process is the server's.

    Per request, it tells what a quiet machine could serve when this one is shared. The gunicorn
    master's count includes the workers it has reaped (a restart under --max-requests); a backend
    that ended during the run is not counted (a small underestimate, never a negative one).
    """
    database = os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[-1]
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # fields[2] is the process group; [11] and [12] are user and system time, [13] and [14]
        # those of reaped children.
        served = int(fields[2]) == server.process.pid
        if served or (command.startswith("postgres:") and f" {database} " in command):
            ticks[int(entry.name)] = (sum(int(field) for field in fields[11:15]), served)
    return ticks


def cpu_seconds_since(server: "Server", before: dict[int, tuple[int, bool]]) -> float:
    after = cpu_ticks(server)
    used = sum(ticks - before.get(pid, (0, False))[0] for pid, (ticks, _) in after.items())
    # A worker reaped meanwhile is in the master's count with its whole life: take off its part
    # from before the run.
    used -= sum(ticks for pid, (ticks, served) in before.items() if served and pid not in after)
    return max(0, used) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def figure(name: str, value: float | int) -> None:
    print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}", flush=True)


class Server:
    """scripts/serve in a process group of its own, plain HTTP on loopback."""

    def __init__(self, port: int, **env: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        environment = os.environ | {
            "DEBUG": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PORT": str(port),
        }
        self.log = open(tempfile.mktemp(prefix="lamtheobac-serve-", suffix=".log"), "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [BASE_DIR / "scripts" / "serve"],
            env=environment | env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"scripts/serve stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz/", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("scripts/serve did not answer /healthz/ within 180 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()


def locust(server: Server, user_class: str, users: int, rate: float, seconds: int, **env: str) -> dict:
    """Runs locust headless; returns the requests and saves the locustfile recorded."""
    results = Path(tempfile.mktemp(prefix="lamtheobac-locust-", suffix=".json"))
    command = [BIN / "locust", "-f", LOCUSTFILE, "--headless", "--host", server.url, "--only-summary"]
    command += ["-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--stop-timeout", "30", user_class]
    cpu_before = cpu_ticks(server)
    log = Path(tempfile.gettempdir()) / f"lamtheobac-locust-{user_class}.log"  # locust's own report
    with log.open("w") as output:
        environment = os.environ | env | {"LOAD_RESULTS": str(results)}
        subprocess.run(command, env=environment, check=False, stdout=output, stderr=subprocess.STDOUT)
    data = json.loads(results.read_text())
    results.unlink()
    data["cpu_ms_per_request"] = 1000 * cpu_seconds_since(server, cpu_before) / max(1, len(data["requests"]))
    return data


WRK = Path("/usr/bin/wrk")


def wrk(server: Server, path: str, session: str, connections: int, seconds: int) -> dict[str, float]:
    """The no-think-time scenario with wrk (Debian's package), when installed.

    A C load generator uses a few percent of a core where locust's Python used a third of one on
    this 2-core box, so the figure measures the server, not the generator. Percentiles are wrk's
    (`--latency`); errors are socket errors plus answers other than 2xx/3xx.
    """
    command = [WRK, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    command += ["-H", f"Cookie: sessionid={session}", f"{server.url}{path}"]
    cpu_before = cpu_ticks(server)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    (Path(tempfile.gettempdir()) / "lamtheobac-wrk.log").write_text(output)  # wrk's own report
    cpu = cpu_seconds_since(server, cpu_before)

    def number(pattern: str, default: str | None = None) -> float:
        found = re.search(pattern, output)
        if found is None and default is None:
            raise SystemExit(f"wrk printed no {pattern!r}: see {tempfile.gettempdir()}/lamtheobac-wrk.log")
        return float(found.group(1) if found else default)

    def milliseconds(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    count = number(r"(\d+) requests in")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = number(r"Non-2xx or 3xx responses: (\d+)", "0")
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {
        "count": count,
        "errors": errors,
        "p50_ms": milliseconds("50"),
        "p99_ms": milliseconds("99"),
        "per_s": number(r"Requests/sec:\s+([\d.]+)"),
        "cpu_ms_per_request": 1000 * cpu / max(1, count),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def page_status(server: Server, path: str, session: str) -> int:
    """The status of one request for `path` with the session cookie, redirects not followed."""
    request = urllib.request.Request(f"{server.url}{path}", headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def cell_page(prefix: str, server: Server, accounts: Path, env: dict[str, str]) -> dict[str, float]:
    """50 connections without think time on one secretary's cell page for 60 s (wrk, else locust)."""
    if not WRK.exists():
        print(f"{prefix}_generator locust ({WRK} missing: apt-get install wrk)", flush=True)
        data = locust(server, "CellPage", 50, 50, 60, **env)
        figure(f"{prefix}_cpu_ms_per_request", data["cpu_ms_per_request"])
        return summarize(prefix, data["requests"], "page")
    with accounts.open(newline="") as file:
        _name, cell, _members, session = next(csv.reader(file))
    path = f"/cells/{cell}/{env['LOAD_YEAR']}/"
    # wrk counts a redirect as a success: the session must still open the page itself.
    before = page_status(server, path, session)
    result = wrk(server, path, session, 50, 60)
    if before != 200 or page_status(server, path, session) != 200:
        raise SystemExit(f"{path} did not answer 200 to the session before and after the run")
    for name, value in result.items():
        figure(f"{prefix}_page_{name}", value)
    return result


def summarize(prefix: str, requests: list, kind: str) -> dict[str, float]:
    """Figures of one kind of request, latency over the steady state (after the ramp-up)."""
    chosen = [request for request in requests if request[0] == kind]
    steady = [request for request in chosen if request[4]] or chosen
    times = [request[2] for request in steady]
    starts = [request[1] for request in steady]
    span = max(starts) - min(starts) if len(starts) > 1 else 0
    result = {
        "count": len(chosen),
        "errors": sum(request[3] for request in chosen),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "per_s": len(steady) / span if span else 0.0,
    }
    result["error_pct"] = 100.0 * result["errors"] / result["count"] if result["count"] else 0.0
    for name, value in result.items():
        figure(f"{prefix}_{kind}_{name}", value)
    return result


def saved_present(saved: dict[str, str]) -> int:
    """How many of the saves the run recorded hold their last text in the database."""
    with psycopg2.connect(os.environ["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id, year, commitment FROM pledges_pledge WHERE commitment LIKE 'load-%%'"
        )
        stored = {f"{member}/{year}": commitment for member, year, commitment in cursor.fetchall()}
    return sum(stored.get(key) == commitment for key, commitment in saved.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--secretaries", type=int, default=400)
    parser.add_argument("--minutes", type=float, default=10, help="length of the secretaries scenario")
    parser.add_argument("--only", choices=["secretaries", "cell", "logins", "pg-restart"], action="append")
    parser.add_argument(
        "--compare-conn-max-age", action="store_true", help="the cell page also with CONN_MAX_AGE=0"
    )
    parser.add_argument("--pg-restart", action="store_true", help="restart PostgreSQL during a short run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8011")))
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres") or not database.rstrip("/").endswith("_load"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database ending with _load (a copy).")
    scenarios = args.only or ["secretaries", "cell", "logins"] + (["pg-restart"] if args.pg_restart else [])

    # One key for the accounts' sessions (signed) and the server that reads them.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    accounts = Path(tempfile.mktemp(prefix="lamtheobac-accounts-", suffix=".csv"))
    create = ["loadtest_accounts", str(args.secretaries), "--members", "50", "--output", str(accounts)]
    subprocess.run(
        [BIN / "python", "manage.py", *create],
        cwd=BASE_DIR,
        env=os.environ | {"DEBUG": "true"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    env = {"LOAD_ACCOUNTS": str(accounts), "LOAD_YEAR": str(time.localtime().tm_year)}
    print(f"date {time.strftime('%Y-%m-%d')}")
    figure("cpu_cores", os.cpu_count() or 0)
    figure("load_average_at_start", os.getloadavg()[0])
    verdicts: list[str] = []

    def verdict(name: str, ok: bool) -> None:
        verdicts.append(f"{name}={'ok' if ok else 'MISSED'}")

    server = Server(args.port)
    try:
        if "secretaries" in scenarios:
            users, seconds = args.secretaries, int(args.minutes * 60)
            data = locust(server, "Secretary", users, max(1, users / 60), seconds, **env)
            figure("secretaries_cpu_ms_per_request", data["cpu_ms_per_request"])
            requests = data["requests"]
            page = summarize("secretaries", requests, "page")
            save = summarize("secretaries", requests, "save")
            export = summarize("secretaries", requests, "export")
            total = sum(kind["count"] for kind in (page, save, export))
            errors = sum(kind["errors"] for kind in (page, save, export))
            present = saved_present(data["saved"])
            figure("secretaries_error_pct", 100.0 * errors / total if total else 0.0)
            figure("secretaries_saved_registrations", len(data["saved"]))
            figure("secretaries_saved_present", present)
            verdict("page_p95<300", page["p95_ms"] < 300)
            verdict("save_p95<800", save["p95_ms"] < 800)
            verdict("errors<0.1%", total > 0 and errors / total < 0.001)
            verdict("saves_present", present == len(data["saved"]) > 0)
        if "cell" in scenarios:
            cell = cell_page("cell", server, accounts, env)
            verdict("cell_no_errors", cell["errors"] == 0)
        if "logins" in scenarios:
            # 10 users, one login every 5 s each: 2 logins a second while a login takes under 5 s.
            data = locust(server, "Login", 10, 10, 120, **env | {"LOGIN_PACING": "5"})
            figure("logins_cpu_ms_per_request", data["cpu_ms_per_request"])
            logins = summarize("logins", data["requests"], "login")
            verdict("login_p95<2000", logins["p95_ms"] < 2000)
        if "pg-restart" in scenarios:
            pg_restart(server, env)
    finally:
        server.stop()
    if args.compare_conn_max_age and "cell" in scenarios:
        server = Server(args.port, CONN_MAX_AGE="0")
        try:
            cell_page("cell_conn_max_age_0", server, accounts, env)
        finally:
            server.stop()
    accounts.unlink()
    failed = [item for item in verdicts if item.endswith("MISSED")]
    print(f"loadtest {'FAIL' if failed else 'PASS'}: {' '.join(verdicts)}")
    sys.exit(1 if failed else 0)


def pg_restart(server: Server, env: dict[str, str]) -> None:
    """10 users on the cell page every 0.5 s for 40 s; PostgreSQL restarted 10 s in."""
    restart = subprocess.Popen(
        ["bash", "-c", f"sleep 10; date +%s.%N; {RESTART} >&2; date +%s.%N"],
        stdout=subprocess.PIPE,
        text=True,
    )
    data = locust(server, "CellPage", 10, 10, 40, **env | {"CELL_PACING": "0.5"})
    began, ended = (float(line) for line in restart.communicate()[0].split())
    requests = [request for request in data["requests"] if request[0] == "page"]
    failures = [request[1] for request in requests if request[3]]
    after = [request for request in requests if request[1] > ended + 2]
    figure("pg_restart_seconds", ended - began)
    figure("pg_restart_errors", len(failures))
    figure("pg_restart_errors_outside_outage", sum(not began - 1 <= start <= ended + 2 for start in failures))
    figure("pg_restart_requests_after", len(after))
    figure("pg_restart_errors_after", sum(request[3] for request in after))


if __name__ == "__main__":
    main()
