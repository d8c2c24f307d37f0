"""gunicorn's settings for Push-In: `gunicorn -c python:pushin.ops.gunicorn_conf`.

`manage.py serve` and the systemd unit (deploy/pushin-web.service) both start gunicorn
with it. From the environment:

- `PUSHIN_BIND`: where to listen (default 127.0.0.1:8000; behind a reverse proxy on the
  same machine, keep it on the loopback; a unix socket is `unix:/run/pushin/web.sock`);
- `WEB_CONCURRENCY`: web worker processes (default two per CPU core plus one);
- `LOG_FORMAT`, `LOG_LEVEL`: as for Django (pushin/ops/logs.py); the access log keeps
  method, path, status, size and duration, never the query string.

Anything else gunicorn knows can be added with `GUNICORN_CMD_ARGS` (e.g. `--timeout 60`).
"""

from __future__ import annotations

import os

from pushin.ops.logs import ACCESS_FORMAT, logging_config


def default_workers() -> int:
    """Two per CPU core this process may use, plus one (gunicorn's own advice)."""
    return 2 * len(os.sched_getaffinity(0)) + 1


wsgi_app = "pushin.wsgi:application"
bind = [os.environ.get("PUSHIN_BIND", "").strip() or "127.0.0.1:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY", "").strip() or default_workers())
# Load Django once, before the workers are forked: they start together and share memory.
preload_app = True
# A request that takes longer is stopped (its worker is replaced).
timeout = 60
graceful_timeout = 30

# Whether a request came over HTTPS is Django's decision alone (`SECURE_PROXY_SSL_HEADER`,
# set by PUSHIN_TRUST_X_FORWARDED_PROTO=1), never gunicorn's from headers it would trust.
secure_scheme_headers: dict[str, str] = {}

# No control socket (gunicornc): it would be one per user's home, shared by every gunicorn
# that user runs; stop and reload with signals (systemctl, Ctrl-C) instead.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_FORMAT
logconfig_dict = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
    fmt=os.environ.get("LOG_FORMAT", "json").strip().lower() or "json",
)
