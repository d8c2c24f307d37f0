"""A real server in a child process, and phones that talk to it over HTTP.

`server(database, ...)` runs a command that serves HTTP (runserver for the SQLite
default, `manage.py serve` for production) on a free loopback port and waits until it
answers; `Phone` is one person's browser: its own cookies (session, CSRF), GET and POST
with the CSRF token as a page sends it, redirects not followed (the tests read them).
`Phone(base, https=True)` talks to a production server as its TLS-terminating proxy
would: every request says `X-Forwarded-Proto: https` (trusted there with
PUSHIN_TRUST_X_FORWARDED_PROTO=1), and the cookies marked Secure are sent back.
"""

from __future__ import annotations

import contextlib
import http.cookies
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.worker_process import WorkerDatabase, WorkerProcess, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Phone:
    base: str
    https: bool = False
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.base.startswith("http://127.0.0.1:"), self.base  # the loopback only
        self.opener = urllib.request.build_opener(_NoRedirects())

    def _send(self, path: str, data: bytes | None, headers: dict[str, str]) -> Answer:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                body = response.read()
                status, received = response.status, response.headers
        except urllib.error.HTTPError as error:
            body, status, received = error.read(), error.code, error.headers
        for line in received.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(line)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(
            status=status,
            headers={name.lower(): value for name, value in received.items()},
            text=body.decode("utf-8", errors="replace"),
        )

    @property
    def origin(self) -> str:
        return self.base.replace("http://", "https://") if self.https else self.base

    def get(self, path: str) -> Answer:
        return self._send(path, None, {})

    def csrf(self) -> str:
        if not self.cookies.get("csrftoken"):
            self.get("/login/")  # sets the cookie, as any page with a form does
        return self.cookies["csrftoken"]

    def post(self, path: str, data: dict[str, str] | None = None, *, htmx: bool = False) -> Answer:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.origin + path}
        if htmx:
            headers["HX-Request"] = "true"
        return self._send(path, urllib.parse.urlencode(data or {}).encode(), headers)

    def sign_in(self, username: str, password: str, *, code: str = "") -> Answer:
        """The sign-in form; then `code` on the two-factor code page, for an account whose
        sign-in asks one (tests/signing_in.py computes it)."""
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        answer = self.post(
            "/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        )
        assert answer.status == 302, f"sign-in refused ({answer.status})"
        if code:
            answer = self.post("/two-factor/code/", {"code": code})
            assert answer.status == 302, f"code refused ({answer.status})"
        return answer


def answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 (loopback)
            return True
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def server(
    database: WorkerDatabase,
    *command: str,
    clock: object,
    directory: Path,
    settings: dict[str, object] | None = None,
    timeout: float = 60,
) -> Iterator[tuple[str, WorkerProcess]]:
    """Run `command` (which takes `{port}` in its arguments) until the block ends; yields
    the base URL and the process (its output: `process.output()`)."""
    port = free_port()
    process = WorkerProcess.start(
        database,
        *(part.format(port=port) for part in command),
        clock=clock,  # type: ignore[arg-type]
        directory=directory,
        settings=settings,
        name="server",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: answers(base) or (not process.alive() and _died(process)),
            timeout=timeout,
            what=f"the server to answer\n{process.output()[-3000:]}",
            every=0.1,
        )
        yield base, process
    finally:
        process.stop()


def _died(process: WorkerProcess) -> bool:
    raise AssertionError(f"the server exited\n{process.output()[-3000:]}")
