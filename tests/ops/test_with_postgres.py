"""scripts/with-postgres, `make test`'s second pass: a PostgreSQL server for the command
whether or not one is running, and nothing left behind."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_settings import ROOT
from tests.ops.test_serve import fresh_database

# Starts the app against the configured database (PostgreSQL on the second pass).
pytestmark = pytest.mark.database

SCRIPT = str(ROOT / "scripts" / "with-postgres")
# The child: where it was sent, the server's data folder, then an exit status of its own.
REPORT = """
import os, sys, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as db:
    folder = db.execute("SHOW data_directory").fetchone()[0]
print(url)
print(folder)
sys.exit(3)
"""


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PG_URL"}}
    return subprocess.run(
        [SCRIPT, str(ROOT / ".venv" / "bin" / "python"), "-c", REPORT],
        cwd=ROOT,
        env=keep | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.skipif(
    not glob.glob("/usr/lib/postgresql/*/bin/initdb"), reason="Debian's postgresql is not installed"
)
def test_no_server_at_pg_url_starts_a_throwaway_one_and_removes_it() -> None:
    result = run({"PG_URL": "postgres://postgres@127.0.0.1:9/test"})  # nothing listens there
    assert result.returncode == 3, result.stderr  # the command's own status
    url, folder = result.stdout.split()
    assert url.startswith("postgres://postgres@127.0.0.1:")
    assert url.endswith("/test")
    assert "with-postgres: a throwaway PostgreSQL on 127.0.0.1:" in result.stderr
    assert not Path(folder).exists()  # stopped and deleted
    assert not answers(url)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a running server")
def test_a_server_at_pg_url_is_used_as_it_is(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (url, _extra):
        result = run({"PG_URL": url})
    assert result.returncode == 3, result.stderr
    assert result.stdout.split()[0] == url
    assert "throwaway" not in result.stderr
