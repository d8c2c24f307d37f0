"""`manage.py export_scenario --district ID [--provider ID] [--week YYYY-MM-DD] -o FILE`.

Writes the district's (or one provider's) week as pushin-scenario/1 JSON, the file the
`pushin plan` and `pushin check` command-line tools read. Ids only: no student names.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction
from pushin.district.models import District, Provider
from pushin.planning.scenario_build import scenario_build
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--week: {value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Write a pushin-scenario/1 JSON file of a district's (or one provider's) week."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", type=int, required=True, help="District id")
        parser.add_argument("--provider", type=int, help="Only this provider's caseload")
        parser.add_argument(
            "--week", help="Apply the dated changes and closures of this week (YYYY-MM-DD)"
        )
        parser.add_argument("-o", "--output", required=True, help="File to write ('-': stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(pk=options["district"]).first()
        if district is None:
            raise CommandError(f"No district with id {options['district']}")
        providers = Provider.objects.filter(district=district).order_by("pk")
        if options["provider"] is not None:
            providers = providers.filter(pk=options["provider"])
            if not providers.exists():
                raise CommandError(
                    f"No provider with id {options['provider']} in district {district.pk}"
                )
        week = _date(options["week"]) if options["week"] else None
        scenario, _ = scenario_build(district=district, providers=list(providers), week_of=week)
        data = scenario_to_dict(scenario)
        try:
            parse_scenario(data)
        except ScenarioError as error:
            problems = "\n".join(f"  {issue}" for issue in error.errors)
            raise CommandError(f"The scenario would not be valid:\n{problems}") from error
        text = json.dumps(data, indent=1) + "\n"
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
        audit_record(
            actor=None,
            action=AuditAction.EXPORT,
            obj=district,
            detail={"scenario_students": len(scenario.students), "week": options["week"]},
        )
        if options["output"] != "-":
            self.stdout.write(
                f"Wrote {len(scenario.students)} students, {len(scenario.classrooms)} classrooms "
                f"to {options['output']}"
            )
