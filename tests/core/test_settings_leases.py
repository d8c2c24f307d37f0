"""The leases on claimed work come from the environment like every PUSHIN_* setting, with
safe defaults, and a lease too short to hold live work is refused at start (issue 10).
Each case reads the settings in a subprocess with exactly the environment it names."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.core.test_settings import ROOT

NAMES = ["PUSHIN_SOLVER_LEASE_SECONDS", "PUSHIN_EMAIL_LEASE_SECONDS", "PUSHIN_HEARTBEAT_SECONDS"]
CODE = (
    "import json; from django.conf import settings; from pushin import leases; "
    f"print(json.dumps([getattr(settings, n) for n in {NAMES!r}] + "
    "[leases.solver_lease().total_seconds(), leases.email_lease().total_seconds(), "
    "leases.heartbeat_seconds()]))"
)


def _shell(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {*NAMES, "EMAIL_TIMEOUT"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CODE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _values(env: dict[str, str]) -> list[float]:
    result = _shell(env)
    assert result.returncode == 0, result.stderr
    values: list[float] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_the_defaults() -> None:
    assert _values({}) == [120, 300, 5, 120, 300, 5]


def test_each_is_read_from_the_environment() -> None:
    env = {
        "PUSHIN_SOLVER_LEASE_SECONDS": "600",
        "PUSHIN_EMAIL_LEASE_SECONDS": "90.5",
        "PUSHIN_HEARTBEAT_SECONDS": "2",
    }
    assert _values(env) == [600, 90.5, 2, 600, 90.5, 2]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PUSHIN_SOLVER_LEASE_SECONDS": "two minutes"},
            "PUSHIN_SOLVER_LEASE_SECONDS must be a number of seconds, at least 15",
        ),
        (
            # Three heartbeats: a lease shorter would stall every solve that is alive.
            {"PUSHIN_HEARTBEAT_SECONDS": "10", "PUSHIN_SOLVER_LEASE_SECONDS": "29"},
            "PUSHIN_SOLVER_LEASE_SECONDS must be a number of seconds, at least 30",
        ),
        (
            # Three SMTP timeouts: a slow but live send must not be put back to "not sent".
            {"EMAIL_TIMEOUT": "20", "PUSHIN_EMAIL_LEASE_SECONDS": "59"},
            "PUSHIN_EMAIL_LEASE_SECONDS must be a number of seconds, at least 60",
        ),
        (
            {"PUSHIN_EMAIL_LEASE_SECONDS": "nan"},
            "PUSHIN_EMAIL_LEASE_SECONDS must be a number of seconds, at least 30",
        ),
        (
            {"PUSHIN_SOLVER_LEASE_SECONDS": "inf"},
            "PUSHIN_SOLVER_LEASE_SECONDS must be a number of seconds, at least 15",
        ),
        (
            {"PUSHIN_HEARTBEAT_SECONDS": "0"},
            "PUSHIN_HEARTBEAT_SECONDS must be a number of seconds, at least 1",
        ),
    ],
)
def test_a_lease_that_cannot_hold_live_work_is_refused(env: dict[str, str], message: str) -> None:
    result = _shell(env)
    assert result.returncode != 0
    assert message in result.stderr
