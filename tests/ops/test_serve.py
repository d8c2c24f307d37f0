"""The production command, end to end, as the README's deployment section says to run it.

`manage.py serve` (what `make serve` runs) starts under production settings on a fresh
database of its own (on PostgreSQL, a database created for the test and dropped after;
on the SQLite pass, a file, allowed with PUSHIN_ALLOW_SQLITE=1), behind a pretend
TLS-terminating proxy (X-Forwarded-Proto, X-Forwarded-For, trusted as the README says).
It migrates, collects the static files and answers /healthz; the demo district is loaded,
its provider signs in and walks from Today to a student; Ctrl-C stops every process.
Its output is JSON lines with no student's name in them. Then the scaling section: a
second app server of the same release on the same database (`scale_out`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from pushin.demo.names import EMAIL_DOMAIN
from tests.core.test_settings import ROOT
from tests.ops.http import Phone, answers, free_port
from tests.worker_process import process_gone, wait_for

# Starts the app against the configured database (PostgreSQL on the second pass).
pytestmark = pytest.mark.database

DEMO_PASSWORD = "pushin-demo"  # the demo's, printed by load_demo


@contextlib.contextmanager
def fresh_database(directory: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A database nobody has used, of the kind the tests run on: its URL, and what the
    environment must add to run production on it."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{directory / 'pushin.sqlite3'}", {"PUSHIN_ALLOW_SQLITE": "1"}
        return
    import psycopg
    from psycopg.conninfo import make_conninfo

    conf = connection.settings_dict
    server = {
        "host": conf.get("HOST") or "127.0.0.1",
        "port": str(conf.get("PORT") or 5432),
        "user": conf.get("USER") or "postgres",
        "password": conf.get("PASSWORD") or "",
    }
    name = f"pushin_serve_{secrets.token_hex(4)}"
    maintenance = make_conninfo(dbname="postgres", **server)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    login = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{login}@{server['host']}:{server['port']}/{name}", {}
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def production_env(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The README's deployment settings; none of the test process's own."""
    own = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in own and not k.startswith("PUSHIN_")}
    return (
        env
        | extra
        | {
            "PUSHIN_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "PUSHIN_TRUST_X_FORWARDED_PROTO": "1",
            "PUSHIN_PROXY_COUNT": "1",
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )


def serve_env(directory: Path, database_url: str, extra: dict[str, str]) -> dict[str, str]:
    """Production settings with a port and a static folder of the test's own."""
    return production_env(database_url, extra) | {
        "PUSHIN_BIND": f"127.0.0.1:{free_port()}",
        "STATIC_ROOT": str(directory / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(directory / "mail"),
    }


def test_serve_runs_it_for_real(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (url, extra):
        env = serve_env(tmp_path, url, extra)
        base = f"http://{env['PUSHIN_BIND']}"
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            serve = subprocess.Popen(
                [sys.executable, "manage.py", "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(
                lambda: answers(base) or serve.poll() is not None,
                timeout=60,
                what="serve to answer /healthz",
                every=0.1,
            )
            assert serve.poll() is None, log.read_text()
            demo = subprocess.run(
                [sys.executable, "manage.py", "load_demo", "--size", "small"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert demo.returncode == 0, demo.stderr
            walked = walk(base)
            second_output = scale_out(env, tmp_path, first=base)
        finally:
            serve.send_signal(signal.SIGINT)  # Ctrl-C
            status = serve.wait(timeout=40)
        output = log.read_text()
    assert status == 0, output[-3000:]

    # Every process either app server started is gone.
    started = r"started [a-z ]+ \(process (\d+)\)"
    children = [int(pid) for pid in re.findall(started, output)]
    assert len(children) == 3, output[-3000:]
    others = [int(pid) for pid in re.findall(started, second_output)]
    assert len(others) == 3, second_output[-3000:]
    assert all(process_gone(pid) for pid in children + others)

    # JSON lines, each request as method, path and status, no student's name anywhere.
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    loggers = {entry["logger"] for entry in entries}
    assert {"pushin.serve", "gunicorn.error", "gunicorn.access", "pushin.worker"} <= loggers
    requests = [(e["method"], e["path"], e["status"]) for e in entries if e.get("path")]
    assert ("POST", "/login/", 302) in requests
    assert ("GET", walked["student_path"], 200) in requests
    assert not any("?" in path for _, path, _ in requests)
    assert walked["student_name"] not in output


def walk(base: str) -> dict[str, str]:
    """Sign in as the demo's provider and walk: Today, the caseload, one student."""
    health = Phone(base, https=True).get("/healthz")
    assert (health.status, json.loads(health.text)) == (200, {"database": "ok", "queue": "ok"})

    phone = Phone(base, https=True)
    # Plain HTTP (no proxy in front) is sent to HTTPS.
    plain = Phone(base).get("/login/")
    assert plain.status == 301
    assert plain.location == f"https://127.0.0.1:{base.rsplit(':', 1)[1]}/login/"

    signed = phone.sign_in("ot.rivera", DEMO_PASSWORD)
    assert signed.location == reverse("home")
    today = phone.get(reverse("sessions:today"))
    assert today.status == 200
    assert "Today" in today.text
    # The page's style sheet, from WhiteNoise under a hashed name, cached for good.
    [css] = re.findall(r'href="(/static/[^"]+\.css)"', today.text)
    style = phone.get(css)
    assert style.status == 200
    assert "immutable" in style.headers["cache-control"]

    caseload = phone.get(reverse("caseload:list"))
    assert caseload.status == 200
    student_path, student_name = re.findall(
        r'<a href="(/caseload/students/[^/"]+/)"[^>]*>([^<]+)</a>', caseload.text
    )[0]
    student = phone.get(student_path)
    assert student.status == 200
    assert student_name.strip() in student.text
    return {"student_path": student_path, "student_name": student_name.strip()}


def scale_out(env: dict[str, str], directory: Path, *, first: str) -> str:
    """The README's scaling section: a second app server of the same release
    (`serve --no-migrate`, with its own task workers) on the same database. A person
    signed in through the first is signed in on the second (the app servers keep nothing
    of their own), and a task asked for on the second runs once, whichever of the four
    task workers takes it. Returns the second server's output once it has stopped."""
    bind = f"127.0.0.1:{free_port()}"
    second = f"http://{bind}"
    log = directory / "second.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-migrate", "--workers", "2"],
            cwd=ROOT,
            env=env | {"PUSHIN_BIND": bind},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: answers(second) or process.poll() is not None,
            timeout=60,
            what="the second app server to answer /healthz",
            every=0.1,
        )
        assert process.poll() is None, log.read_text()[-3000:]
        on_first = Phone(first, https=True)
        on_first.sign_in("ot.rivera", DEMO_PASSWORD)
        on_second = Phone(second, https=True, cookies=dict(on_first.cookies))
        today = on_second.get(reverse("sessions:today"))
        assert (today.status, "Today" in today.text) == (200, True)

        mail = Path(env["EMAIL_FILE_PATH"])
        address = f"ot.rivera@{EMAIL_DOMAIN}"
        asked = on_second.post(reverse("password:reset"), {"email": address})
        assert asked.status == 302
        wait_for(lambda: mail.exists() and any(mail.iterdir()), timeout=30, what="the e-mail")
        time.sleep(2)  # time enough for another worker to send it again, were it possible
        sent = [path.read_text() for path in mail.iterdir()]
        assert len(sent) == 1
        assert f"To: {address}" in sent[0]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=40) == 0, log.read_text()[-3000:]
    return log.read_text()


def test_one_process_gone_stops_them_all(tmp_path: Path) -> None:
    """A task worker killed (out of memory, by hand): serve stops the rest and exits 1, for
    whatever started it to start it again."""
    env = serve_env(
        tmp_path, f"sqlite:///{tmp_path / 'pushin.sqlite3'}", {"PUSHIN_ALLOW_SQLITE": "1"}
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-migrate"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        started = wait_for(
            lambda: (
                re.findall(r"started ([a-z ]+) \(process (\d+)\)", log.read_text())
                if log.read_text().count("started ") == 3
                else None
            ),
            timeout=60,
            what="serve to start its processes",
        )
        children = {name: int(pid) for name, pid in started}
        os.kill(children["worker solver"], signal.SIGKILL)
        status = serve.wait(timeout=40)
    finally:
        if serve.poll() is None:
            serve.kill()
    output = log.read_text()
    assert status == 1, output[-3000:]
    assert "serve: worker solver exited with status -9" in output
    assert "worker solver stopped by itself: everything was stopped" in output
    assert all(process_gone(pid) for pid in children.values())


def test_serve_is_for_production_only() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"manage\.py serve runs production"):
        call_command("serve")
