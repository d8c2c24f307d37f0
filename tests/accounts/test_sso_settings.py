"""Single sign-on's settings come from the environment: all seven, or none."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SEVEN = {
    "OIDC_OP_ISSUER": "https://idp.example",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example/jwks",
    "OIDC_RP_CLIENT_ID": "pushin",
    "OIDC_RP_CLIENT_SECRET": "secret",
}


def load_settings(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update(extra)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "from pushin.accounts.oidc import sso_enabled; print(sso_enabled())"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "pushin.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def test_all_seven_turn_it_on_and_none_leaves_it_off() -> None:
    on = load_settings(SEVEN)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip().splitlines()[-1] == "True"
    off = load_settings({})
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip().splitlines()[-1] == "False"


def test_some_of_them_stop_the_app_naming_the_missing() -> None:
    partial = {
        k: v
        for k, v in SEVEN.items()
        if k not in ("OIDC_OP_JWKS_ENDPOINT", "OIDC_RP_CLIENT_SECRET")
    }
    result = load_settings(partial)
    assert result.returncode != 0
    assert "Single sign-on is half configured: also set OIDC_OP_JWKS_ENDPOINT, " in result.stderr
    assert "OIDC_RP_CLIENT_SECRET" in result.stderr
