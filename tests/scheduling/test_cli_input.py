"""`pushin plan` and `pushin check`: every input error is a clean `$.path: message` with
exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pushin.scheduling import cli
from pushin.scheduling.cli import main


@pytest.fixture
def example(tmp_path: Path, tiny_scenario) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(tiny_scenario))
    return path


def _plan_errors(tmp_path: Path, capsys, *args: str) -> tuple[int, list[str], str]:
    out = tmp_path / "plan.json"
    code = main(["plan", *args, "-o", str(out)])
    errors = json.loads(out.read_text()).get("errors", [])
    return code, errors, capsys.readouterr().err


def test_deeply_nested_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, errors, err = _plan_errors(tmp_path, capsys, str(path))
    assert code == 2
    assert errors == [f"$: {path} is nested too deeply to be a scenario or a plan"]
    assert "Traceback" not in err


def test_not_utf8(tmp_path: Path, capsys) -> None:
    path = tmp_path / "latin1.json"
    raw = b'{"format": "pushin-scenario/1", "name": "caf\xe9"}'
    path.write_bytes(raw)
    code, errors, _ = _plan_errors(tmp_path, capsys, str(path))
    assert code == 2
    assert errors == [f"$: {path} is not UTF-8 text (byte {raw.index(0xE9)})"]


def test_not_json_and_missing_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    code, errors, _ = _plan_errors(tmp_path, capsys, str(path))
    assert code == 2
    assert errors == [
        f"$: {path} is not JSON: Expecting property name enclosed in double quotes "
        "(line 1, column 2)"
    ]
    code, errors, _ = _plan_errors(tmp_path, capsys, str(tmp_path / "none.json"))
    assert code == 2
    assert errors[0].startswith(f"$: cannot read {tmp_path / 'none.json'}")


def test_size_cap(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "MAX_INPUT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(" " * 1001 + "{}")
    code, errors, _ = _plan_errors(tmp_path, capsys, str(path))
    assert code == 2
    assert errors == [f"$: {path} is larger than 0 MB"]


def test_too_large_a_scenario_is_refused_before_solving(example: Path, tmp_path, capsys) -> None:
    code, errors, err = _plan_errors(tmp_path, capsys, str(example), "--max-students", "2")
    assert code == 2
    assert errors == [
        "$.students: too large: 5 students in one run; the limit is 2. "
        "Plan fewer providers at once."
    ]
    assert errors[0] in err


def test_check_reports_input_errors_the_same_way(example: Path, tmp_path, capsys) -> None:
    bad = tmp_path / "plan.json"
    bad.write_bytes(b"\xff\xfe")
    assert main(["check", str(example), str(bad)]) == 2
    assert capsys.readouterr().out == f"input: $: {bad} is not UTF-8 text (byte 0)\n"
