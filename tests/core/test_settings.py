"""Settings: safe in development, loud in production, `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PUSHIN_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-prod-secret-for-the-deploy-check-only-0123456789abcdef",
    "ALLOWED_HOSTS": "pushin.example.org",
    # Whatever database the tests run on: SQLite too, which production otherwise refuses.
    "PUSHIN_ALLOW_SQLITE": "1",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The test process's own switches (browser tests allow sync ORM calls) are not production's.
    dev_only = {"PUSHIN_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dev_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_passwords_are_hashed_with_argon2(db: None) -> None:
    from pushin.accounts.models import Role
    from tests.factories import make_user

    user = make_user("hashcheck", Role.TEACHER)
    assert user.password.startswith("argon2$")


def _production_on(database_url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PUSHIN_ALLOW_SQLITE"}
    keep = {k: v for k, v in os.environ.items() if k not in {"PUSHIN_ALLOW_SQLITE"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**keep, **env, "DATABASE_URL": database_url, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_sqlite_unless_told(tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'pushin.sqlite3'}"
    refused = _production_on(sqlite)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: Production needs PostgreSQL" in refused.stderr
    assert "PUSHIN_ALLOW_SQLITE=1" in refused.stderr
    assert _production_on(sqlite, PUSHIN_ALLOW_SQLITE="1").returncode == 0
    # PostgreSQL needs no permission (`check` does not connect).
    assert _production_on("postgres://pushin@db.example.org/pushin").returncode == 0


def _connection_settings(env: dict[str, str]) -> str:
    shown = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        env={"DB_CONN_MAX_AGE": "", **env},
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


def test_production_keeps_database_connections_open_and_checks_them() -> None:
    unset = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://pushin@db.example.org/pushin"}
    del unset["PUSHIN_ALLOW_SQLITE"]
    assert _connection_settings(unset) == "60 True"
    assert _connection_settings({**unset, "DB_CONN_MAX_AGE": "0"}) == "0 True"
    # Development (runserver, tests) closes them after each request, as Django does.
    assert _connection_settings({"PUSHIN_ENV": "development"}) == "0 True"
