"""The people of the load figures (bench/load.py), for locust.

Not run alone: bench/load.py starts the server, finds the pages and runs locust headless on
this file with PUSHIN_LOAD_PLAN (a JSON file) saying, for each role, who signs in and the
pages (a label and a path) they request, the think time, and where to write what was
measured. Each simulated person signs in once (the administrator's people share one
signed-in session, made by bench/load.py with the demo authenticator's code: a code is
accepted once, so several people cannot each type it within the same 30 s), then requests
their pages in turn, thinking `THINK` seconds between two pages, until the run ends.

The server is production's: it expects TLS in front (X-Forwarded-Proto trusted), so every
request says `X-Forwarded-Proto: https` and the cookies it marks Secure are sent back
over the loopback. Redirects are not followed: a page answers 200 or counts as failed.

Written when the run stops: every page request's label, role, duration (ms), size
(bytes), status and start time, when the last person was signed in and when the run
stopped, for bench/load.py to compute percentiles from (the sign-ins are left out, and
so are the requests made while others were still signing in). The run stops PLAN's
`seconds` after the last person signed in. Imports nothing of Django's: locust's gevent
patches this process, and the server is another process anyway.
"""

from __future__ import annotations

import json
import os
import re
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import HttpUser, between, events, task
from locust.env import Environment

PLAN: dict[str, Any] = json.loads(Path(os.environ["PUSHIN_LOAD_PLAN"]).read_text())
THINK: tuple[float, float] = (PLAN["think"][0], PLAN["think"][1])
HTTPS = {"X-Forwarded-Proto": "https"}
MEASURED: list[dict[str, Any]] = []
SIGNED_IN: list[float] = []  # when each person was ready (signed in): the window opens after


@events.request.add_listener
def _measured(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    context: dict[str, Any] | None = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    context = context or {}
    if "page" not in context:  # the sign-ins
        return
    MEASURED.append(
        {
            "page": context["page"],
            "role": context["role"],
            "ms": response_time,
            "bytes": response_length,
            "status": getattr(response, "status_code", 0),
            "failed": exception is not None,
            "start": start_time or time.time(),
        }
    )


@events.test_start.add_listener
def _stop_in_time(environment: Environment, **_: Any) -> None:
    """Stop the run PLAN's `seconds` after everyone is signed in."""

    def stop() -> None:
        while len(SIGNED_IN) < PLAN["users"]:
            gevent.sleep(0.05)
        gevent.sleep(PLAN["seconds"])
        if environment.runner is not None:
            environment.runner.quit()

    gevent.spawn(stop)


@events.test_stop.add_listener
def _write(**_: Any) -> None:
    ready = max(SIGNED_IN, default=time.time())
    Path(PLAN["out"]).write_text(
        json.dumps({"ready": ready, "stopped": time.time(), "requests": MEASURED})
    )


class _Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*THINK)

    def on_start(self) -> None:
        who = PLAN["roles"][self.role]
        self.pages = cycle(who["pages"])
        if who.get("cookies"):  # signed in already (the administrator: see above)
            for name, value in who["cookies"].items():
                self.client.cookies.set(name, value)
            SIGNED_IN.append(time.time())
            return
        login = self._get("/login/", name="(sign-in form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert token, "no sign-in form"
        signed = self.client.post(
            "/login/",
            data={
                "username": who["username"],
                "password": who["password"],
                "csrfmiddlewaretoken": token[1],
            },
            headers=HTTPS | {"Referer": f"https://{self._host}/login/"},
            allow_redirects=False,
            name="(sign-in)",
        )
        self._unsecure()
        if signed.status_code != 302:
            raise RuntimeError(f"{who['username']}: sign-in refused ({signed.status_code})")
        SIGNED_IN.append(time.time())

    @property
    def _host(self) -> str:
        return (self.host or "").split("://", 1)[-1]

    def _unsecure(self) -> None:
        """Send the Secure cookies back over the loopback (TLS is the proxy's, not here)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path: str, **kwargs: Any) -> Any:
        answer = self.client.get(path, headers=HTTPS, allow_redirects=False, **kwargs)
        self._unsecure()
        return answer

    @task
    def next_page(self) -> None:
        label, path = next(self.pages)
        with self.client.get(
            path,
            headers=HTTPS,
            allow_redirects=False,
            name=label,
            context={"page": label, "role": self.role},
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('location', '')}")
        self._unsecure()


class Provider(_Person):
    role = "provider"


class Administrator(_Person):
    role = "admin"


class Teacher(_Person):
    role = "teacher"
