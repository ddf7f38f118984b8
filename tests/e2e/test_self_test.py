"""`python main.py self-test` on this checkout: renders, tracks, loads plugins and opens the window offscreen."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_self_test_passes_from_a_checkout(main_py):
    result = main_py("self-test", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("device", "render", "face", "plugins", "window"):
        assert f"ok   {step}" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("self-test passed")
