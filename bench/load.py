"""Benchmark: the pages under load, on the production server, with locust.

Run from the repository root: `python -m bench.load` (`make bench-load`; `make bench`
runs it last). On a throwaway PostgreSQL database (created on the server of PG_URL,
default postgres://postgres@127.0.0.1:5432, and dropped after; when no server answers
there, the script runs itself again under scripts/with-postgres, which starts a throwaway
cluster): migrate, load the large demo (`load_demo --size large`: 350 students), start
`manage.py serve` as docs/deployment.md says (PUSHIN_ENV=production, a fresh SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, the database's URL, PUSHIN_BIND on a free loopback port, TLS
assumed in front: X-Forwarded-Proto trusted; gunicorn's default number of web workers
unless --workers), then run locust headless (bench/locustfile.py) on the loopback:

- at 1 user: each role alone, one after the other (the provider large.ot1, the
  administrator large.admin, the teacher large.teacher), `--seconds` each;
- at 20 users (--users): the three roles together (7, 7 and 6 people), `--seconds`.

Each person signs in once, then requests their role's pages in turn with a think time of
THINK seconds between two. Prints p50, p95 and max (ms), requests/s and the mean size per
page and overall, the web workers and the machine, and writes them as the "Pages under
load" section of docs/benchmarks.md (`--no-write`: print only). A script, never a timed
assertion in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookies
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.docs import DOCS, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Pages under load"
COMMAND = "python -m bench.load"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
THINK = (0.5, 2.0)  # seconds a person waits between two pages (locust's between())
# The most a run may take for its people to sign in (a password hash each, all at once);
# what they request until the last is signed in is not counted.
SIGN_IN_SECONDS = 60
PASSWORD = "pushin-demo"  # noqa: S105 (the demo's, printed by load_demo)
ROLES = ("provider", "admin", "teacher")
LOCUST_CLASSES = {"provider": "Provider", "admin": "Administrator", "teacher": "Teacher"}
_UNDER_WITH_PG = "PUSHIN_LOAD_UNDER_WITH_POSTGRES"


# --- The database and the server -----------------------------------------------------------


def _server_params(url: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": urllib.parse.unquote(parts.username or "postgres"),
        "password": urllib.parse.unquote(parts.password or ""),
    }


def _answers(url: str) -> bool:
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        psycopg.connect(
            make_conninfo(dbname="postgres", **_server_params(url)), connect_timeout=3
        ).close()
    except psycopg.OperationalError:
        return False
    return True


@contextlib.contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    """A new database on `server_url`'s server, dropped after: its URL."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    server = _server_params(server_url)
    name = f"pushin_load_{secrets.token_hex(4)}"
    maintenance = make_conninfo(dbname="postgres", **server)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    login = urllib.parse.quote(server["user"]) + (
        f":{urllib.parse.quote(server['password'])}" if server["password"] else ""
    )
    try:
        yield f"postgres://{login}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def production_env(database_url: str, directory: Path, workers: int | None) -> dict[str, str]:
    """docs/deployment.md's settings (none of this process's own PUSHIN_ ones)."""
    own = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "WEB_CONCURRENCY"}
    env = {k: v for k, v in os.environ.items() if k not in own and not k.startswith("PUSHIN_")}
    env |= {
        "PUSHIN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "PUSHIN_BIND": f"127.0.0.1:{free_port()}",
        "PUSHIN_TRUST_X_FORWARDED_PROTO": "1",
        "PUSHIN_PROXY_COUNT": "1",
        "STATIC_ROOT": str(directory / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _healthy(base: str) -> bool:
    request = urllib.request.Request(  # noqa: S310 (the loopback)
        base + "/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310 (loopback)
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[str]:
    """`manage.py serve` running (its base URL), stopped with Ctrl-C after."""
    base = f"http://{env['PUSHIN_BIND']}"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-migrate"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while not _healthy(base):
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()


def web_workers(env: dict[str, str]) -> int:
    """How many web workers gunicorn starts (pushin/ops/gunicorn_conf.py)."""
    from pushin.ops.gunicorn_conf import default_workers

    return int(env.get("WEB_CONCURRENCY") or default_workers())


# --- Who requests what ---------------------------------------------------------------------


def _django(env: dict[str, str]) -> None:
    """Django set up on the server's database, with its secret key (the opaque ids of the
    paths follow from it)."""
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    os.environ["SECRET_KEY"] = env["SECRET_KEY"]
    os.environ["PUSHIN_ENV"] = "development"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pushin.settings")
    import django

    django.setup()


def pages() -> dict[str, list[tuple[str, str]]]:
    """Each role's pages (a label, a path) in the large demo (Django set up)."""
    from django.urls import reverse

    from pushin.caseload.models import Student
    from pushin.demo.names import PERSONAS
    from pushin.district.models import Provider
    from pushin.planning.models import PlanRun

    personas = PERSONAS["large"]
    provider = Provider.objects.select_related("user").get(
        user__username=personas["provider"].username
    )
    student = provider.students.filter(active=True).select_related("classroom").first()
    assert student is not None, "the demo's provider has no students"
    school = student.classroom.school_id
    run = PlanRun.objects.filter(providers=provider).order_by("-pk").first()
    teacher_student = (
        Student.objects.filter(
            active=True, classroom__teacher__username=personas["teacher"].username
        )
        .order_by("pk")
        .first()
    )
    assert teacher_student is not None, "the demo's teacher has no students"

    def page(label: str, name: str, *args: int) -> tuple[str, str]:
        return label, reverse(name, args=list(args))

    provider_pages = [
        page("Today", "sessions:today"),
        page("caseload (provider)", "caseload:list"),
        page("student (provider)", "caseload:student", student.pk),
        page("minutes of a student", "minutes:student", student.pk),
        # minutes:home sends a provider here: their own compliance page.
        page("minutes (own compliance)", "minutes:provider", provider.pk),
        page("plan (provider)", "planning:provider", provider.pk),
    ]
    if run is not None:
        provider_pages.append(page("plan run", "planning:run", run.pk))
    return {
        "provider": provider_pages,
        "admin": [
            page("caseload (admin)", "caseload:list"),
            page("student (admin)", "caseload:student", student.pk),
            page("compliance district", "minutes:district"),
            page("compliance provider (admin)", "minutes:provider", provider.pk),
            page("compliance school", "minutes:school", school),
            page("plan (admin)", "planning:provider", provider.pk),
        ],
        "teacher": [
            # portal_home sends a teacher of one room to its portal.
            page("teacher portal", "collaboration:portal", teacher_student.classroom_id),
            page("caseload (teacher)", "caseload:list"),
            page("student (teacher)", "caseload:student", teacher_student.pk),
        ],
    }


class Browser:
    """One person's cookies over the loopback, as the TLS proxy would pass them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects())

    def send(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            headers["Referer"] = self.base.replace("http://", "https://") + path
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as answer:
                text, status, received = answer.read().decode(), answer.status, answer.headers
        except urllib.error.HTTPError as error:
            text, status, received = error.read().decode(), error.code, error.headers
        for line in received.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return status, text

    def sign_in(self, username: str, password: str, code: str) -> None:
        _, form = self.send("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token, "no sign-in form"
        status, _ = self.send(
            "/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        )
        assert status == 302, f"{username}: sign-in refused ({status})"
        if code:
            status, _ = self.send(
                "/two-factor/code/",
                {"code": code, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
            )
            assert status == 302, f"{username}: two-factor code refused ({status})"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def admin_cookies(base: str) -> dict[str, str]:
    """The demo administrator signed in (with their authenticator's code when their
    sign-in asks one): the cookies their people share (Django set up)."""
    from pushin.accounts import two_factor
    from pushin.accounts.models import User
    from pushin.demo.authenticator import demo_authenticator_code
    from pushin.demo.names import PERSONAS

    admin = User.objects.get(username=PERSONAS["large"]["admin"].username)
    code = demo_authenticator_code(admin) if two_factor.is_required(admin) else ""
    browser = Browser(base)
    browser.sign_in(admin.username, PASSWORD, code)
    return browser.cookies


def check_pages(base: str, roles: dict[str, dict[str, object]], *, rounds: int) -> None:
    """Every page answers 200 to its role, `rounds` times, before anything is timed: the
    web workers (each with its own caches: the ledgers', the templates') have seen every
    page, and the figures are of a server that has been running."""
    for role, who in roles.items():
        browser = Browser(base)
        if who.get("cookies"):
            browser.cookies = dict(who["cookies"])  # type: ignore[call-overload]
        else:
            browser.sign_in(str(who["username"]), PASSWORD, "")
        for _ in range(rounds):
            for label, path in who["pages"]:  # type: ignore[attr-defined]
                status, _ = browser.send(path)
                if status != 200:
                    raise SystemExit(f"{label} ({role}) answers {status}, not 200")


# --- Running locust and reading its figures ------------------------------------------------


@dataclass(frozen=True)
class PageFigures:
    page: str
    requests: int
    failures: int
    p50: float
    p95: float
    slowest: float
    per_second: float
    size: float  # mean bytes


@dataclass(frozen=True)
class Level:
    users: int
    seconds: int
    how: str
    pages: list[PageFigures]
    overall: PageFigures


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures_of(name: str, rows: list[dict[str, object]], seconds: float) -> PageFigures:
    times = [float(row["ms"]) for row in rows]  # type: ignore[arg-type]
    return PageFigures(
        page=name,
        requests=len(rows),
        failures=sum(1 for row in rows if row["failed"]),
        p50=percentile(times, 0.5),
        p95=percentile(times, 0.95),
        slowest=max(times),
        per_second=len(rows) / seconds,
        size=statistics.fmean(float(row["bytes"]) for row in rows),  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Measured:
    requests: list[dict[str, object]]  # those started once everyone was signed in
    seconds: float  # from then to the end of the run


def run_locust(
    base: str,
    roles: dict[str, dict[str, object]],
    *,
    classes: list[str],
    users: int,
    seconds: int,
    directory: Path,
) -> Measured:
    """locust headless, `users` people of `classes` started at once, until `seconds` after
    the last one signed in (the locustfile stops it; SIGN_IN_SECONDS more at most): the
    page requests from then on."""
    out = directory / f"measured-{users}-{'-'.join(classes)}.json"
    plan = directory / "plan.json"
    plan.write_text(
        json.dumps(
            {"think": THINK, "out": str(out), "roles": roles, "users": users, "seconds": seconds}
        )
    )
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
    command = [
        locust,
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "-u",
        str(users),
        "-r",
        str(users),
        "--run-time",
        f"{seconds + SIGN_IN_SECONDS}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "WARNING",
        *[LOCUST_CLASSES[role] for role in classes],
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=os.environ | {"PUSHIN_LOAD_PLAN": str(plan)},
        capture_output=True,
        text=True,
        check=False,
    )
    if not out.exists():
        raise SystemExit(f"locust wrote nothing:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    written = json.loads(out.read_text())
    ready, stopped = float(written["ready"]), float(written["stopped"])
    kept = [row for row in written["requests"] if float(row["start"]) >= ready]
    return Measured(requests=kept, seconds=stopped - ready)


def level(users: int, seconds: int, how: str, runs: list[Measured]) -> Level:
    """The figures of one level (the 1-user level: one run per role, one after the other,
    their times added)."""
    measured = [row for run in runs for row in run.requests]
    wall = sum(run.seconds for run in runs)
    by_page: dict[str, list[dict[str, object]]] = {}
    for row in measured:
        by_page.setdefault(str(row["page"]), []).append(row)
    pages = [figures_of(name, rows, wall) for name, rows in by_page.items()]
    return Level(
        users=users,
        seconds=seconds,
        how=how,
        pages=pages,
        overall=figures_of("all pages", measured, wall),
    )


def measure(
    base: str, roles: dict[str, dict[str, object]], *, seconds: int, users: int, directory: Path
) -> list[Level]:
    alone: list[Measured] = []
    for role in ROLES:
        print(f"1 user: the {role} alone for {seconds} s...", flush=True)
        alone.append(
            run_locust(base, roles, classes=[role], users=1, seconds=seconds, directory=directory)
        )
    print(f"{users} users: the three roles together for {seconds} s...", flush=True)
    together = run_locust(
        base, roles, classes=list(ROLES), users=users, seconds=seconds, directory=directory
    )
    return [
        level(1, seconds, "each role alone in turn", alone),
        level(users, seconds, "the three roles together", [together]),
    ]


# --- The report ----------------------------------------------------------------------------


def table(levels: list[Level]) -> list[str]:
    lines = [
        "| page | users | requests | failed | p50 ms | p95 ms | max ms | req/s | KB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = sorted({p.page for lv in levels for p in lv.pages}, key=str.casefold)
    for name in [*names, "all pages"]:
        for lv in levels:
            found = [p for p in lv.pages if p.page == name] or (
                [lv.overall] if name == "all pages" else []
            )
            for p in found:
                label = f"**{name}**" if name == "all pages" else name
                lines.append(
                    f"| {label} | {lv.users} | {p.requests} | {p.failures} | {p.p50:.0f} | "
                    f"{p.p95:.0f} | {p.slowest:.0f} | {p.per_second:.2f} | {p.size / 1024:.0f} |"
                )
    return lines


def markdown(
    levels: list[Level], *, workers: int, seconds: int, users: int, rounds: int, note: str = ""
) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{COMMAND} --seconds {seconds} --users {users}` (`make bench-load`). "
        f"Machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"PostgreSQL on the same machine (a throwaway database); the production server "
        f"(`manage.py serve`: gunicorn with {workers} web workers, plus its task workers); "
        f"locust {_locust_version()} on the same machine, over the loopback.",
        "",
        "The large demo (`load_demo --size large`: 350 students, 5 OTs). People: the "
        "provider large.ot1, the administrator large.admin (their people share one "
        "signed-in session: the two-factor code is accepted once), the teacher "
        "large.teacher. Each signs in once (not counted), then requests their pages in "
        f"turn with a think time of {THINK[0]:g} to {THINK[1]:g} s between two. At 1 user "
        f"each role runs alone for {seconds} s, one after the other; at {users} users the "
        f"three run together ({', '.join(_split(users))} people) for {seconds} s. "
        f"Before any timing, every page is requested {rounds} times (2 per web worker: "
        "each worker keeps its own caches), so the figures are of a server that has been "
        "running. "
        "Counted from the moment the last person is signed in (what others requested "
        "while they were signing in is left out) to the end of the run. Times are the "
        "server's answer as locust sees it (ms); `req/s` over that time; `KB` the mean "
        "page size. A page that answers anything but 200 is `failed`.",
        "",
    ]
    if note:
        lines += [note, ""]
    lines += table(levels)
    slow = sorted(levels[-1].pages, key=lambda p: p.p95, reverse=True)[:3]
    lines += [
        "",
        f"Slowest at {levels[-1].users} users (p95): "
        + ", ".join(f"{p.page} {p.p95:.0f} ms" for p in slow)
        + ".",
        "",
    ]
    return "\n".join(lines)


def _split(users: int) -> list[str]:
    counts = [users // 3 + (1 if i < users % 3 else 0) for i in range(3)]
    return [f"{n} {role}" for n, role in zip(counts, ROLES, strict=True)]


def _locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=60, help="per level (default 60)")
    parser.add_argument("--users", type=int, default=20, help="the loaded level (default 20)")
    parser.add_argument("--workers", type=int, help="web workers (default: gunicorn_conf's)")
    parser.add_argument(
        "--warm-rounds",
        type=int,
        help="each page requested this many times before timing (default: 2 per web worker)",
    )
    parser.add_argument("--note", default="", help="a line put above the table")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL", "") if os.environ.get(_UNDER_WITH_PG) else PG_URL
    if not _answers(server):
        if os.environ.get(_UNDER_WITH_PG):
            raise SystemExit(f"no PostgreSQL server at {server}")
        print(f"no PostgreSQL server at {PG_URL}: starting a throwaway one", flush=True)
        wrapper = str(ROOT / "scripts" / "with-postgres")
        os.execve(  # noqa: S606 (our own script, no shell)
            wrapper,
            [wrapper, sys.executable, "-m", "bench.load", *(argv or sys.argv[1:])],
            os.environ | {_UNDER_WITH_PG: "1", "PUSHIN_THROWAWAY_PG": "1"},
        )

    with (
        tempfile.TemporaryDirectory(prefix="pushin-bench-load-") as folder,
        throwaway_database(server) as url,
    ):
        directory = Path(folder)
        env = production_env(url, directory, args.workers)
        started = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--size", "large")
        print(f"migrated and loaded the large demo in {time.perf_counter() - started:.0f} s")
        _django(env)
        from django.db import connections

        try:
            roles_pages = pages()
            log = directory / "serve.log"
            with served(env, log) as base:
                workers = web_workers(env)
                print(
                    f"serving on {base}: {workers} web workers; machine: "
                    f"{os.cpu_count()} cores; think time {THINK[0]:g}-{THINK[1]:g} s",
                    flush=True,
                )
                from pushin.demo.names import PERSONAS

                roles: dict[str, dict[str, object]] = {
                    role: {
                        "username": PERSONAS["large"][role].username,
                        "password": PASSWORD,
                        "pages": roles_pages[role],
                    }
                    for role in ROLES
                }
                roles["admin"]["cookies"] = admin_cookies(base)
                rounds = args.warm_rounds if args.warm_rounds is not None else 2 * workers
                print(f"warming up: every page {rounds} times...", flush=True)
                check_pages(base, roles, rounds=rounds)
                levels = measure(
                    base, roles, seconds=args.seconds, users=args.users, directory=directory
                )
        finally:
            connections.close_all()
    section = markdown(
        levels,
        workers=workers,
        seconds=args.seconds,
        users=args.users,
        rounds=rounds,
        note=args.note,
    )
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
        print(f"wrote the {SECTION[3:]!r} section of {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
