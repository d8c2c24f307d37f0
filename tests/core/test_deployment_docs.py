"""docs/deployment.md stays true: every `manage.py` command it names exists, and the daily
jobs (calendar_sync, audit_prune, watchlist_expire) are scheduled in its cron and its
systemd examples."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
DAILY = ["calendar_sync", "audit_prune", "watchlist_expire"]


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_command_it_names_exists() -> None:
    named = set(re.findall(r"manage\.py (\w+)", _text()))
    assert {"migrate", "worker", *DAILY} <= named
    assert sorted(named - set(get_commands())) == []


def test_both_daily_jobs_are_in_the_cron_and_the_systemd_examples() -> None:
    text = _text()
    crontab = [line for line in text.splitlines() if re.match(r"\d+ \d+ \* \* \* ", line)]
    for command in DAILY:
        assert any(line.endswith(f"manage.py {command}") for line in crontab), command
        assert f"pushin-daily@{command}.timer" in text, command
    assert "ExecStart=/srv/pushin/.venv/bin/python manage.py %i" in text


def test_the_commands_point_to_it() -> None:
    root = DOC.parents[1] / "pushin"
    for path in (
        root / "sessions" / "management" / "commands" / "calendar_sync.py",
        root / "accounts" / "management" / "commands" / "audit_prune.py",
        root / "watchlist" / "management" / "commands" / "watchlist_expire.py",
    ):
        assert "docs/deployment.md" in path.read_text(encoding="utf-8"), path.name
