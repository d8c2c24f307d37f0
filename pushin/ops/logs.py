"""Logs as JSON lines on standard output, one object per line, for a log collector.

Every process logs this way: the web workers (Django's `LOGGING`), gunicorn itself and the
task workers. An entry holds the time (UTC), the level, the logger, the process and the
message; an exception adds its traceback.

Logs never carry student data: records are named by opaque ids in messages, and a
request is logged by gunicorn as method, path, status, size and duration only. The query
string and the referrer, which the usual access-log line carries, are left out (a form's
GET can hold anything typed into it).

`logging_config` is the one configuration of both Django (pushin/settings.py) and gunicorn
(pushin/ops/gunicorn_conf.py): `LOG_FORMAT=text` gives plain lines instead (the default in
development), `LOG_LEVEL` the level (default INFO).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

# What gunicorn's access log keeps of a request (its atoms: method, path without the
# query string, status, bytes sent, duration in microseconds).
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(B)s %(D)sus"


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_request(record.args))
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _request(atoms: Mapping[str, Any]) -> dict[str, Any]:
    """A request as gunicorn's access log saw it: no query string, no referrer."""

    def number(name: str) -> int | None:
        value = str(atoms.get(name, ""))
        return int(value) if value.isdigit() else None

    micros = number("D")
    return {
        "message": "request",
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": number("s"),
        "bytes": number("B") or 0,
        "duration_ms": round(micros / 1000, 1) if micros is not None else None,
    }


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: everything to standard output, as JSON
    lines (`fmt="json"`) or plain lines (`fmt="text"`)."""
    if fmt not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {fmt!r}")
    formatter: dict[str, Any] = (
        {"()": "pushin.ops.logs.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"}
    )
    # gunicorn's own loggers have their handler and do not pass records on as well.
    own = {"handlers": ["stdout"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "main",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "gunicorn.error": own,
            "gunicorn.access": {**own, "level": "INFO"},
        },
    }
