"""deploy/ stays true to the settings: the proxy sets exactly the headers the example
settings trust, the example settings pass `check --deploy`, and the units run commands
that exist."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

from tests.core.test_settings import ROOT

DEPLOY = ROOT / "deploy"


def _env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_the_proxy_sets_exactly_the_headers_the_settings_trust() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    blocks = re.findall(r"location [^{]*\{(.*?)\}", conf, flags=re.S)
    proxied = [block for block in blocks if "proxy_pass" in block]
    assert len(proxied) == 2  # /healthz over HTTP, everything over HTTPS
    for block in proxied:
        headers = dict(re.findall(r"proxy_set_header (\S+) (.+?);", block))
        forwarded = {name: value for name, value in headers.items() if name.startswith("X-")}
        assert forwarded == {
            "X-Forwarded-Proto": "$scheme",  # overwrites any a client sent
            "X-Forwarded-For": "$proxy_add_x_forwarded_for",  # appends one address
        }
        assert headers["Host"] == "$http_host"
    env = _env_example()
    assert env["PUSHIN_TRUST_X_FORWARDED_PROTO"] == "1"
    assert env["PUSHIN_PROXY_COUNT"] == "1"
    upstream = re.search(r"upstream pushin \{\s*server (\S+);", conf)
    assert upstream is not None
    assert upstream[1] == env["PUSHIN_BIND"]


def test_the_example_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = _env_example() | {"SECRET_KEY": secrets.token_urlsafe(50), "PATH": "/usr/bin:/bin"}
    code = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.SECURE_PROXY_SSL_HEADER, s.PUSHIN_PROXY_COUNT, s.LOG_FORMAT, s.DEBUG]))"
    )
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values == [["HTTP_X_FORWARDED_PROTO", "https"], 1, "json", False]
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_units_run_what_exists() -> None:
    web = (DEPLOY / "pushin-web.service").read_text()
    assert "ExecStart=/srv/pushin/.venv/bin/gunicorn -c python:pushin.ops.gunicorn_conf\n" in web
    worker = (DEPLOY / "pushin-worker@.service").read_text()
    named = re.findall(r"manage\.py (\w+)", worker)
    assert named
    assert set(named) <= set(get_commands())
    assert "--queue-name %i" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/pushin/env" in unit
        assert "User=pushin" in unit
