"""`manage.py import_plan --provider ID FILE`: a pushin-plan/1 file as the standing schedule.

The plan is checked with the engine's checker against the provider's usual week; if any
rule is broken, every problem is listed and nothing is written.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pushin.district.models import Provider
from pushin.planning.services import PlanRefused, plan_import
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import plan_from_dict


class Command(BaseCommand):
    help = "Check a pushin-plan/1 file and store it as a provider's standing schedule."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--provider", type=int, required=True, help="Provider id")
        parser.add_argument("file", help="The plan JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = (
            Provider.objects.select_related("district").filter(pk=options["provider"]).first()
        )
        if provider is None:
            raise CommandError(f"No provider with id {options['provider']}")
        try:
            with open(options["file"], encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"Not valid JSON: {error.msg} at line {error.lineno}") from error
        try:
            plan = plan_from_dict(data)
        except ScenarioError as error:
            problems = "\n".join(f"  {issue}" for issue in error.errors)
            raise CommandError(f"Not a pushin-plan/1 file:\n{problems}") from error
        try:
            schedule = plan_import(provider=provider, plan=plan)
        except PlanRefused as refused:
            problems = "\n".join(f"  rule {p.rule}: {p.message}" for p in refused.problems)
            raise CommandError(
                f"The plan breaks {len(refused.problems)} rule(s); nothing was stored:\n{problems}"
            ) from refused
        self.stdout.write(
            f"Stored {schedule.sessions.count()} sessions as the standing schedule "
            f"of provider {provider.pk}."
        )
