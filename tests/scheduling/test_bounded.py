"""A whole solve is bounded: its size is checked before, memory and wall clock during."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.scheduling.bounded import (
    Cancelled,
    OutOfTime,
    SizeLimits,
    TooLarge,
    check_size,
    estimate_size,
    solve_bounded,
)
from pushin.scheduling.candidates import enumerate_candidates
from pushin.scheduling.district import plan_seconds, share_students
from pushin.scheduling.generate import generate_preset, generate_scenario
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    students=st.integers(5, 60),
    schools=st.integers(1, 4),
    seed=st.integers(0, 1000),
)
def test_the_estimate_is_an_upper_bound_of_the_candidates(students, schools, seed):
    scenario = generate_scenario(students=students, schools=schools, providers=1, seed=seed)
    built = len(enumerate_candidates(scenario).candidates)
    estimate = estimate_size(scenario)
    assert estimate.students == students
    assert built <= estimate.candidates


def test_the_example_is_small_and_passes(tiny_scenario):
    scenario = parse_scenario(tiny_scenario)
    assert check_size(scenario).candidates == estimate_size(scenario).candidates


def test_too_many_students_is_refused_with_the_numbers():
    scenario = generate_preset("small")
    with pytest.raises(TooLarge) as refused:
        check_size(scenario, SizeLimits(students=50, candidates=10**9))
    assert str(refused.value) == (
        "72 students in one run; the limit is 50. Plan fewer providers at once."
    )


def test_too_many_candidates_is_refused_with_the_numbers():
    scenario = generate_preset("small")
    estimate = estimate_size(scenario).candidates
    with pytest.raises(TooLarge) as refused:
        check_size(scenario, SizeLimits(students=1000, candidates=estimate - 1))
    assert f"about {estimate:,} different sessions; the limit is {estimate - 1:,}" in str(
        refused.value
    )


def test_a_thousand_students_in_one_room_group_is_refused_by_default():
    # The review's case: a caseload imported within the file limits, then "Plan the week".
    scenario = generate_scenario(students=1000, schools=20, providers=8, seed=0)
    with pytest.raises(TooLarge):
        check_size(scenario)


def test_the_bounded_solve_returns_the_plan(tiny_scenario):
    plan = solve_bounded(tiny_scenario, time_limit=5)
    assert plan["format"] == "pushin-plan/1"
    assert plan["status"] == "optimal"
    assert plan["stats"]["shortfall_minutes"] == 0


def test_each_provider_gets_the_whole_limit_one_after_another():
    scenario = generate_scenario(students=8, schools=2, providers=2, seed=3)
    data = scenario_to_dict(scenario)
    assert plan_seconds(data, 1.5) == 3.0
    plan = solve_bounded(data, time_limit=1.5)
    assert plan["stats"]["time_limit"] == 3.0
    assert plan["stats"]["parts"] == [["prov-01"], ["prov-02"]]
    # A district plan (a child on both caseloads) may re-plan each provider twice more.
    shared = scenario_to_dict(share_students(scenario, share=0.5, seed=1))
    assert plan_seconds(shared, 1.5) == 9.0
    # A person named on one caseload only is no district plan.
    named = {**data, "students": [{**data["students"][0], "person": "k"}, *data["students"][1:]]}
    assert plan_seconds(named, 1.5) == 3.0
    one = scenario_to_dict(generate_scenario(students=8, schools=2, providers=1, seed=3))
    assert plan_seconds(one, 1.5) == 1.5


def test_past_the_memory_limit_it_ends_as_too_large_and_the_caller_goes_on():
    data = scenario_to_dict(generate_preset("small"))
    with pytest.raises(TooLarge, match="more than 200 MB"):
        solve_bounded(data, time_limit=5, memory_mb=200)
    # The caller's process is unharmed: the next solve works.
    assert solve_bounded(data, time_limit=2)["status"] in ("optimal", "feasible")


def test_past_the_deadline_it_is_stopped():
    data = scenario_to_dict(generate_preset("small"))
    with pytest.raises(OutOfTime):
        solve_bounded(data, time_limit=30, wall_seconds=1.0)


def test_the_caller_can_stop_it():
    data = scenario_to_dict(generate_preset("small"))
    asked = []

    def should_stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        solve_bounded(data, time_limit=30, should_stop=should_stop, poll_seconds=0.1)


def test_a_thread_that_cannot_start_under_the_cap_counts_as_out_of_memory() -> None:
    # Under RLIMIT_AS a solver thread's stack may not map: CP-SAT then raises EAGAIN as a
    # RuntimeError, not MemoryError; either is "too large", any other error is not.
    from pushin.scheduling.bounded import _out_of_memory

    assert _out_of_memory(MemoryError())
    assert _out_of_memory(RuntimeError("Resource temporarily unavailable"))
    assert _out_of_memory(RuntimeError("can't start new thread"))
    assert not _out_of_memory(RuntimeError("model invalid"))
    assert not _out_of_memory(ValueError("Resource temporarily unavailable"))


def test_c_code_failing_silently_near_the_cap_counts_as_out_of_memory() -> None:
    """CPython's "error return without exception set" (a SystemError) is what an
    allocation failing inside C code can look like: out of memory only when the process
    is close to its cap, a bug to report otherwise."""
    from pushin.scheduling.bounded import _address_space, _out_of_memory

    silent = SystemError("error return without exception set")
    used = _address_space()
    assert used > 0
    assert _out_of_memory(silent, cap_bytes=used)  # at the cap
    assert not _out_of_memory(silent, cap_bytes=10 * used)  # far below it
    assert not _out_of_memory(silent)  # no cap known
