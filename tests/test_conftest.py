"""The suite's own rules: a missing shared corpus skips with directions, or fails under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import need


def test_a_missing_corpus_skips_with_directions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"shared folder, expected beside the checkout"):
        need(tmp_path / "corpus")


def test_a_missing_corpus_is_an_error_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Under CI"):
        need(tmp_path / "corpus")
    assert need(tmp_path) == tmp_path
