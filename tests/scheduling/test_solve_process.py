"""Where a bounded solve runs: a process forked from a fork server that has the engine
loaded (pushin/scheduling/bounded.py, `solver_processes`), which ends with the worker
that asked for the solve."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pushin.scheduling.generate import generate_preset
from pushin.scheduling.scenario import scenario_to_dict
from tests.worker_process import FORK_SERVER, children_of, process_gone, wait_for

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")

# A worker in miniature: asks for a long solve and reads nothing back before it is killed.
WORKER = """
import json, sys
from pushin.scheduling.bounded import solve_bounded
if __name__ == "__main__":
    solve_bounded(json.load(sys.stdin), time_limit=600)
"""


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def _fork_server_of(pid: int) -> int | None:
    servers = children_of(pid, FORK_SERVER)
    return servers[0] if servers else None


@linux_only
def test_the_solve_dies_with_the_worker_that_asked_for_it(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    worker = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, text=True)
    left: list[int] = []  # killed at the end if this test fails
    try:
        assert worker.stdin is not None
        json.dump(scenario_to_dict(generate_preset("small", seed=0)), worker.stdin)
        worker.stdin.close()
        server = wait_for(lambda: _fork_server_of(worker.pid), timeout=30, what="the fork server")
        (child,) = wait_for(lambda: children_of(server) or None, timeout=30, what="the solve")
        left += [child, server]
        # Solving: the engine's threads, and the one that watches the worker, have started.
        wait_for(lambda: _threads(child) > 2 or None, timeout=30, what="the solve's threads")
        worker.kill()  # the worker alone: nothing of it cleans up
        worker.wait(10)
        # The solve is not writing to the worker (no progress asked): only the watch ends it.
        wait_for(lambda: process_gone(child) or None, timeout=10, what="the solve to end")
        # With nobody left to use it, the fork server ends too.
        wait_for(lambda: process_gone(server) or None, timeout=10, what="the fork server to end")
    finally:
        worker.kill()
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
