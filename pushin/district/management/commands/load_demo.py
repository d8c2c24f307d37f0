"""`manage.py load_demo [--size small|large] [--seed N] [--reset]`: the demo district."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pushin.demo.district import (
    DEMO_PASSWORD,
    DEMO_URL,
    SIZES,
    DemoError,
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
        self.stdout.write(f"Open {options['url']}")
