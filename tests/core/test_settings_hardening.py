"""Settings from the security review: SMTP over TLS by default in production, the proxy's
X-Forwarded-Proto trusted only when a setting says so, development e-mail written to files
under var/ instead of the log. Each case runs the settings in a subprocess, with exactly
the environment it names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.core.test_settings import PRODUCTION_ENV, ROOT

NAMES = [
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_PORT",
    "SECURE_PROXY_SSL_HEADER",
    "PUSHIN_PROXY_COUNT",
]
# Variables of the test process that would change what is read: each case sets its own.
DECIDED = {
    "PUSHIN_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_PORT",
    "PUSHIN_TRUST_X_FORWARDED_PROTO",
    "PUSHIN_PROXY_COUNT",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in DECIDED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}, default=str))"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_sends_mail_over_tls_by_default() -> None:
    values = _settings(PRODUCTION_ENV)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_USE_TLS"] is True
    assert values["EMAIL_USE_SSL"] is False
    assert values["EMAIL_PORT"] == 587


def test_production_tls_can_be_turned_off_or_replaced_by_implicit_tls() -> None:
    relay = _settings({**PRODUCTION_ENV, "EMAIL_USE_TLS": "0", "EMAIL_PORT": "25"})
    assert (relay["EMAIL_USE_TLS"], relay["EMAIL_PORT"]) == (False, 25)
    implicit = _settings({**PRODUCTION_ENV, "EMAIL_USE_SSL": "1"})
    assert (implicit["EMAIL_USE_TLS"], implicit["EMAIL_USE_SSL"]) == (False, True)
    assert implicit["EMAIL_PORT"] == 465


def test_tls_and_implicit_tls_together_are_refused() -> None:
    env = {**PRODUCTION_ENV, "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on" in result.stderr


def test_development_has_no_tls_by_default() -> None:
    values = _settings({"PUSHIN_ENV": "development"})
    assert values["EMAIL_USE_TLS"] is False


def test_x_forwarded_proto_is_not_trusted_unless_a_setting_says_a_proxy_sets_it() -> None:
    assert _settings(PRODUCTION_ENV)["SECURE_PROXY_SSL_HEADER"] is None
    trusted = _settings({**PRODUCTION_ENV, "PUSHIN_TRUST_X_FORWARDED_PROTO": "1"})
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert _settings({"PUSHIN_ENV": "development"})["SECURE_PROXY_SSL_HEADER"] is None


def test_production_with_a_trusted_proxy_is_still_deploy_check_clean() -> None:
    env = {**PRODUCTION_ENV, "PUSHIN_TRUST_X_FORWARDED_PROTO": "1"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_client_address_comes_from_the_connection_unless_a_proxy_count_is_set() -> None:
    assert _settings({"PUSHIN_ENV": "development"})["PUSHIN_PROXY_COUNT"] == 0
    assert _settings({"PUSHIN_PROXY_COUNT": "2"})["PUSHIN_PROXY_COUNT"] == 2
    result = _manage("check", env={"PUSHIN_PROXY_COUNT": "one"})
    assert result.returncode != 0
    assert "PUSHIN_PROXY_COUNT must be a whole number 0 or more" in result.stderr


# --- Development e-mail goes to files, not to the log ----------------------------------------


def test_development_writes_email_to_files_under_var_mail() -> None:
    values = _settings({"PUSHIN_ENV": "development"})
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(values["EMAIL_FILE_PATH"]) == ROOT / "var" / "mail"


def test_development_mail_is_a_file_and_nothing_of_it_reaches_the_output(tmp_path: Path) -> None:
    code = (
        "from django.core.mail import send_mail; "
        "send_mail('Quick note about Avery Quintero', 'Avery Quintero used the slant board.', "
        "None, ['teacher@example.org'])"
    )
    env = {"PUSHIN_ENV": "development", "EMAIL_FILE_PATH": str(tmp_path)}
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert "Avery" not in result.stdout + result.stderr
    (written,) = tmp_path.iterdir()
    assert "Avery Quintero used the slant board." in written.read_text()


def test_a_follow_up_sent_by_the_worker_in_development_leaves_no_name_in_the_log(
    db: None, settings: Any, tmp_path: Path, caplog: Any, capsys: Any
) -> None:
    """The worker's path: the follow-up task writes the e-mail to a file; its log says
    which follow-up by id, and no name or note reaches the output."""
    import logging

    from pushin.collaboration import followups
    from pushin.collaboration.models import FollowUpStatus
    from pushin.collaboration.tasks import followup_deliver
    from tests.collaboration.followup_factories import logged_session
    from tests.factories import make_world

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    world = make_world()
    followup = followups.followup_draft(session=logged_session(world), author=world.provider.user)
    name = world.student.full_name
    followups.followup_send(
        followup=followup, actor=world.provider.user, body=f"{name} used the slant board."
    )

    with caplog.at_level(logging.DEBUG):
        assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT

    (written,) = tmp_path.iterdir()
    assert f"{name} used the slant board." in written.read_text()
    output = capsys.readouterr()
    for text in (caplog.text, output.out, output.err):
        assert world.student.first_name not in text
        assert world.student.last_name not in text
    assert f"follow-up {followup.pk} e-mailed" in caplog.text
