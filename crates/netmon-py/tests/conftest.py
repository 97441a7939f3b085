"""Shared test support: the real-world corpus beside the project.

Tests find it through NETMON_CORPUS, else ../shared/corpus from the
workspace root, like the Rust tests (netmon-testkit). Absent, a test that
needs it is skipped with the reason; under CI (CI=true) it fails instead.
"""

import os
import pathlib
import threading
import time

import pytest

WORKSPACE = pathlib.Path(__file__).resolve().parents[3]


def corpus_dir() -> pathlib.Path:
    env = os.environ.get("NETMON_CORPUS")
    return pathlib.Path(env) if env else WORKSPACE.parent / "shared" / "corpus"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture
def corpus():
    """corpus("t4/test_data.csv") -> the path, or skip (fail under CI)."""

    def find(relative: str) -> pathlib.Path:
        path = corpus_dir() / relative
        if path.exists():
            return path
        reason = f"corpus file {relative} not found under {corpus_dir()} (set NETMON_CORPUS)"
        if in_ci():
            pytest.fail(reason + "; CI=true requires the corpus")
        pytest.skip(reason)

    return find


def inside_call_iterations(call) -> int:
    """Iterations a Python loop in this thread makes in the middle three
    fifths of the time another thread spends inside ``call``: none when
    ``call`` holds the GIL throughout (the loop can only slip in at the
    edges, within one switch interval)."""
    span = {}

    def run():
        span["start"] = time.perf_counter()
        call()
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=run)
    stamps = []
    worker.start()
    while worker.is_alive():
        stamps.append(time.perf_counter())
    worker.join()
    margin = (span["end"] - span["start"]) / 5
    return sum(1 for s in stamps if span["start"] + margin < s < span["end"] - margin)
