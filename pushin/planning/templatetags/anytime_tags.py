"""`{% load anytime_tags %}`: `run|best_so_far` on the run page while it solves.

Read-only: figures of the run's best plan so far (counts only, no names)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from pushin.planning.anytime import (
    BestSoFar,
    can_improve,
    improve_seconds_left,
    improve_step,
    improve_total,
)
from pushin.planning.anytime import best_so_far as _best_so_far
from pushin.planning.models import PlanRun

register = template.Library()


@register.filter
def best_so_far(run: PlanRun) -> BestSoFar | None:
    return _best_so_far(run)


@register.filter
def final_figures(run: PlanRun) -> BestSoFar | None:
    """The figures of the run's finished plan."""
    return _best_so_far(run, run.plan_data)


@dataclass(frozen=True)
class ImproveOffer:
    allowed: bool  # the run can keep improving (the page checks who may decide)
    seconds: float  # what one more round gives
    total: float  # the limit over every round
    used_up: bool  # the run has had its total


@register.filter
def improve_offer(run: PlanRun) -> ImproveOffer:
    left = improve_seconds_left(run)
    return ImproveOffer(
        allowed=can_improve(run),
        seconds=min(improve_step(), left),
        total=improve_total(),
        used_up=left < 1.0,
    )
