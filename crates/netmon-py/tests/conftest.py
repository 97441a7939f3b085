"""Shared test support: the real-world corpus beside the project.

Tests find it through NETMON_CORPUS, else ../shared/corpus from the
workspace root, like the Rust tests (netmon-testkit). Absent, a test that
needs it is skipped with the reason; under CI (CI=true) it fails instead.
"""

import os
import pathlib

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
