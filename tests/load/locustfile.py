"""Load test users (locust, run by tests/load/run.py against scripts/serve on loopback).

Secretary: starts signed in, then every 10-20 s reads a page (70%), saves a registration of a member of
their cell (25%) or downloads the cell's workbook (5%). CellPage: no think time, the cell page
only. Login: a fresh login and logout, paced by the run. Accounts come from
`manage.py loadtest_accounts` (LOAD_ACCOUNTS, a CSV of username, cell id, members).
"""

import csv
import itertools
import json
import os
import random
import re
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, constant, constant_pacing, events, task

PASSWORD = "tai-thu-nghiem-2026"  # party/management/commands/loadtest_accounts.py
YEAR = int(os.environ.get("LOAD_YEAR", "2026"))
RUN = os.environ.get("LOAD_RUN", uuid.uuid4().hex[:8])  # marks this run's saves
with open(os.environ.get("LOAD_ACCOUNTS", "accounts.csv")) as file:
    ACCOUNTS = [(name, int(cell), session) for name, cell, _members, session in csv.reader(file)]
NEXT_ACCOUNT = itertools.count()  # gevent runs one greenlet at a time: no lock needed
SAVED: dict[str, str] = {}  # "member/year" -> the last commitment saved, checked after the run
# Every request as [kind, start (s), milliseconds, failed, after the ramp-up] for tests/load/run.py:
# percentiles over a kind ("page", "save", ...) need the single times, not locust's per-name rows.
REQUESTS: list[list] = []
RAMPED = {"done": False}
PLEDGE_LINK = re.compile(r'href="/pledges/(\d+)/(\d+)/"')


class FormFields(HTMLParser):
    """The values a browser would submit from the page's forms (inputs, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if not name or "__prefix__" in name:
            return
        if tag == "input" and (attrs.get("type") != "checkbox" or "checked" in attrs):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return {name: value.removeprefix("\n") for name, value in parser.fields.items()}


class LoggedIn(HttpUser):
    abstract = True

    def log_in(self, username: str) -> bool:
        self.client.cookies.clear()
        self.client.get("/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        post = self.client.post("/login/", data, name="login", allow_redirects=False, catch_response=True)
        with post as answer:
            if answer.status_code != 302:
                answer.failure(f"login {username}: {answer.status_code}")
                return False
        return True


class Secretary(LoggedIn):
    """Already signed in (the session made by loadtest_accounts): a secretary logs in once a day."""

    wait_time = between(10, 20)

    def on_start(self) -> None:
        self.username, self.cell, session = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        self.members: list[int] = []
        self.client.cookies.set("sessionid", session)  # SECURE_COOKIES=false: the plain name
        self.cell_page()

    def cell_page(self) -> None:
        answer = self.client.get(f"/cells/{self.cell}/{YEAR}/", name="page: cell")
        if answer.ok:
            links = PLEDGE_LINK.findall(answer.text)
            self.members = [int(member) for member, year in links if int(year) == YEAR]

    @task(70)
    def read(self) -> None:
        page = random.choice(["cell", "cell", "cell", "pledge", "my-cell", "progress", "home"])
        if page == "cell" or not self.members:
            self.cell_page()
        elif page == "pledge":
            self.client.get(f"/pledges/{random.choice(self.members)}/{YEAR}/", name="page: pledge")
        elif page == "my-cell":
            self.client.get("/my-cell/", name="page: my cell")  # a redirect to the cell page
        elif page == "progress":
            self.client.get(f"/progress/{self.cell}/{YEAR}/", name="page: progress")
        else:
            self.client.get("/", name="page: home")

    @task(25)
    def save(self) -> None:
        if not self.members:
            return
        member = random.choice(self.members)
        url = f"/pledges/{member}/{YEAR}/"
        form = self.client.get(url, name="page: pledge")
        if not form.ok:
            return
        fields = form_fields(form.text)
        commitment = f"load-{RUN} {uuid.uuid4().hex[:12]}"
        fields["commitment"] = commitment
        if not fields.get("deeds-0-content"):  # a new registration needs one deed
            fields["deeds-0-content"] = "Việc làm theo Bác (tải thử)"
        with self.client.post(url, fields, name="save", allow_redirects=False, catch_response=True) as answer:
            if answer.status_code == 302:
                SAVED[f"{member}/{YEAR}"] = commitment
            else:
                answer.failure(f"save {url}: {answer.status_code}")

    @task(5)
    def export(self) -> None:
        self.client.get(f"/cells/{self.cell}/{YEAR}/workbook.xlsx", name="export: cell workbook")


class CellPage(LoggedIn):
    """Many connections on one secretary's cell page, no think time."""

    # No think time; CELL_PACING (seconds a request) for the gentler PostgreSQL restart run.
    pacing = os.environ.get("CELL_PACING")
    wait_time = constant_pacing(float(pacing)) if pacing else constant(0)

    def on_start(self) -> None:
        self.username, self.cell, session = ACCOUNTS[0]
        self.client.cookies.set("sessionid", session)

    @task
    def cell_page(self) -> None:
        self.client.get(f"/cells/{self.cell}/{YEAR}/", name="page: cell")


class Login(LoggedIn):
    """A login and a logout every LOGIN_PACING seconds per simulated user."""

    wait_time = constant_pacing(float(os.environ.get("LOGIN_PACING", "2")))

    @task
    def login(self) -> None:
        username, _cell, _session = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        if self.log_in(username):
            token = self.client.cookies.get("csrftoken", "")
            self.client.post("/logout/", {"csrfmiddlewaretoken": token}, name="logout", allow_redirects=False)


@events.spawning_complete.add_listener
def ramped(user_count: int, **kwargs) -> None:
    RAMPED["done"] = True


@events.request.add_listener
def record(name: str, start_time: float, response_time: float, exception, **kwargs) -> None:
    kind, failed = name.split(":")[0], exception is not None
    REQUESTS.append([kind, round(start_time, 3), round(response_time, 1), failed, RAMPED["done"]])


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    if path := os.environ.get("LOAD_RESULTS"):
        with open(path, "w") as file:
            json.dump({"saved": SAVED, "requests": REQUESTS}, file)
