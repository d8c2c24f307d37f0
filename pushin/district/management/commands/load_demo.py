"""`manage.py load_demo [--size small|large] [--seed N] [--reset]`: the demo district."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pushin.accounts.models import User
from pushin.demo.authenticator import demo_authenticator_secret
from pushin.demo.district import (
    DEMO_PASSWORD,
    DEMO_URL,
    SIZES,
    DemoError,
    DemoSummary,
    demo_district_load,
    format_logins,
)


class Command(BaseCommand):
    help = (
        "Load the synthetic demo district (same size and seed, same data) and print one "
        "login per role. Does nothing if it is loaded already, unless --reset."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", choices=SIZES, default="small")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo district of this size (and its users) and load it again.",
        )
        parser.add_argument(
            "--url", default=DEMO_URL, help="Where the app will be served (only printed)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            summary = demo_district_load(
                size=options["size"], seed=options["seed"], reset=options["reset"]
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f'Loaded "{summary.district_name}": {summary.students} students, '
                    f"{summary.schools} schools, {summary.providers} "
                    f"provider{'s' if summary.providers != 1 else ''} "
                    f"in {time.perf_counter() - started:.1f} s."
                )
            )
        else:
            self.stdout.write(
                f'"{summary.district_name}" is loaded already; nothing changed '
                "(--reset reloads it)."
            )
        self.stdout.write("")
        self.stdout.write(f'Demo logins (every demo user\'s password is "{DEMO_PASSWORD}"):')
        for line in format_logins(summary):
            self.stdout.write("  " + line)
        self.stdout.write("")
        self._authenticator(summary)
        self.stdout.write(f"Open {options['url']}")

    def _authenticator(self, summary: DemoSummary) -> None:
        """The administrator's second step (two-factor sign-in is required of
        administrators by default, and the demo keeps the default)."""
        username = next(x.username for x in summary.logins if x.role == "admin")
        admin = User.objects.get(username=username)
        secret = demo_authenticator_secret(admin)
        self.stdout.write(
            "Administrators must use two-factor sign-in (the default; a district may choose):"
        )
        if secret:
            size = "" if summary.size == "small" else f" --size {summary.size}"
            self.stdout.write(
                f"  {username} gives a code after the password: add the secret {secret}\n"
                "  to an authenticator app (the demo's own, the same on every machine), or run\n"
                f"  `.venv/bin/python manage.py demo_code{size}` for the current code."
            )
        else:  # a demo loaded before the administrator had one
            self.stdout.write(
                f"  {username} is asked to set an authenticator app up at the first sign-in\n"
                "  (load_demo --reset gives the demo's own)."
            )
        self.stdout.write("")
