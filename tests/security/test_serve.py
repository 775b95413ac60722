"""The production command (scripts/serve): refuses unsafe settings and pending migrations, else serves.

Each case runs the real script in a subprocess with a production environment, as systemd would.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
SERVE = str(BASE_DIR / "scripts" / "serve")
GOOD = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Gq2Lr9Vb4Nw8Ht1Yk6Zp3Ms5Dc0Fj-Ua7Ie2Ro9Wt4Qx1Kl6Bn3Vg8Hy5Tz0Pe",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "https://dangbo.example.vn",
    "BEHIND_PROXY": "true",
    "WEB_WORKERS": "1",
    "WEB_THREADS": "1",
}
# The test run's own switches must not leak into the "production" process.
DROPPED = ("SECURE_COOKIES", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    return env | GOOD | {"PORT": str(free_port())} | overrides


def listening(port: str) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", int(port))) == 0


def refused(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Runs the script, which must give up by itself (a started server would hit the timeout)."""
    result = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, result.stdout + result.stderr
    assert not listening(env["PORT"])
    return result


def test_refuses_pending_migrations(tmp_path):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    result = refused(env)
    assert "migrations that are not applied yet" in result.stderr
    assert "[ ]  party.0001_initial" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"DEBUG": "true"}, "security.W018"),
        ({"SECRET_KEY": "short-key"}, "security.W009"),
        ({"SSL_REDIRECT": "false"}, "security.W008"),
    ],
)
def test_refuses_unsafe_settings(overrides, warning):
    result = refused(environment(DATABASE_URL="sqlite://:memory:", **overrides))
    assert "Refusing to start" in result.stderr
    assert warning in result.stderr


ON_POSTGRESQL = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
    reason="serving is checked on PostgreSQL only (DATABASE_URL=postgres://...): production's database",
)


def migrated_database_url() -> str:
    """The migrated test database, for the served process."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def serving(env: dict[str, str]) -> Iterator[dict]:
    """Runs scripts/serve until /healthz/ answers; yields what it answered and, after the block,
    `output` (gunicorn's stdout) and `returncode` once SIGTERM stopped it."""
    process = subprocess.Popen(
        [SERVE], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    seen: dict = {"answer": None}
    try:
        health = f"http://127.0.0.1:{env['PORT']}/healthz/"
        deadline = time.monotonic() + 40
        while seen["answer"] is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    seen["answer"] = (response.status, json.loads(response.read()))
            except OSError:
                time.sleep(0.3)
        yield seen
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        seen["output"] = process.communicate(timeout=30)[0]
        seen["returncode"] = process.returncode


@ON_POSTGRESQL
@pytest.mark.django_db
def test_serves_healthz_on_a_migrated_database():
    with serving(environment(DATABASE_URL=migrated_database_url())) as served:
        pass
    output = served["output"]
    assert served["answer"] == (200, {"status": "ok", "database": "ok"}), output
    assert '"GET /healthz/ HTTP/1.1" 200' in output  # the access log goes to stdout
    assert served["returncode"] == 0, output  # gunicorn stopped cleanly on SIGTERM
