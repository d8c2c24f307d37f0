"""Logs as JSON lines (pushin/ops/logs.py): one object a line, a request without its query
string or referrer, an exception with its traceback; plain lines on request."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

from pushin.ops.logs import ACCESS_FORMAT, JsonFormatter, logging_config
from tests.core.test_settings import ROOT


def _record(name: str, message: str, args: object = None, **extra: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None, **extra)  # type: ignore[arg-type]


def test_a_record_is_one_json_object() -> None:
    line = JsonFormatter().format(_record("pushin.worker", "recovered %d runs", (2,)))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "recovered 2 runs"
    assert (entry["level"], entry["logger"], entry["process"]) == (
        "INFO",
        "pushin.worker",
        os.getpid(),
    )
    assert entry["time"].endswith("Z")


def test_a_request_keeps_neither_query_string_nor_referrer() -> None:
    atoms = {
        "m": "GET",
        "U": "/caseload/",
        "q": "q=Jordan",
        "r": "GET /caseload/?q=Jordan HTTP/1.1",
        "f": "https://pushin.example.org/caseload/?q=Jordan",
        "s": "200",
        "B": "5120",
        "D": "23456",
    }
    line = JsonFormatter().format(_record("gunicorn.access", ACCESS_FORMAT, atoms))
    assert json.loads(line) == json.loads(line) | {
        "message": "request",
        "method": "GET",
        "path": "/caseload/",
        "status": 200,
        "bytes": 5120,
        "duration_ms": 23.5,
    }
    assert "Jordan" not in line
    # The plain-text access line says as little.
    assert ACCESS_FORMAT % atoms == "GET /caseload/ 200 5120 23456us"


def test_an_exception_comes_with_its_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("pushin.tests.json_lines")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("bad value")
        except ValueError:
            logger.exception("it failed")
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert (entry["message"], entry["level"]) == ("it failed", "ERROR")
    assert "ValueError: bad value" in entry["exception"]


def test_one_configuration_for_django_and_gunicorn() -> None:
    config = logging_config(level="WARNING", fmt="json")
    assert config["formatters"]["main"] == {"()": "pushin.ops.logs.JsonFormatter"}
    assert config["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    for name in ("gunicorn.error", "gunicorn.access"):  # not twice through the root
        assert config["loggers"][name]["propagate"] is False
    assert "format" in logging_config(fmt="text")["formatters"]["main"]


def test_an_unknown_format_is_refused() -> None:
    keep = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=keep | {"LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text, not 'xml'" in result.stderr
