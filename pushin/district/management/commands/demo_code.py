"""`manage.py demo_code [--size small|large]`: the demo administrator's current sign-in code.

Demo districts only: it reads the authenticator `load_demo` gave the demo's administrator
(pushin/demo/authenticator.py), whose secret is printed with the demo logins anyway. It
prints nothing for any real account.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pushin.accounts.models import Role, User
from pushin.demo import names
from pushin.demo.authenticator import demo_authenticator_code
from pushin.demo.district import DISTRICT_NAMES, SIZES


class Command(BaseCommand):
    help = "Print the demo administrator's current two-factor sign-in code (demo only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", choices=SIZES, default="small")

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["size"]
        username = names.PERSONAS[size]["admin"].username
        admin = User.objects.filter(
            username=username, role=Role.ADMIN, district__name=DISTRICT_NAMES[size]
        ).first()
        code = demo_authenticator_code(admin) if admin is not None else ""
        if not code:
            raise CommandError(
                f"the {size} demo district has no administrator with an authenticator: "
                f"run `manage.py load_demo --size {size} --reset`"
            )
        left = 30 - int(timezone.now().timestamp()) % 30
        self.stdout.write(f"{code}  ({username}; changes in {left} s)")
