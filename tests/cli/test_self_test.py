"""self-test: every step is reported by name; one failure makes exit 1 and names it; plugins are really loaded."""

from __future__ import annotations

import pytest

from studio.cli import main, self_test
from studio.plugins import discovery


def _passing(name):
    return lambda *args: f"{name} fine"


@pytest.fixture
def steps(monkeypatch):
    """Replace the heavy steps with quick ones; a test makes one of them fail."""
    for name in ("check_device", "check_render", "check_face", "check_plugins", "check_window"):
        monkeypatch.setattr(self_test, name, _passing(name))
    return monkeypatch


def test_all_steps_passing_exits_0_with_versions(steps, capsys):
    assert main(["self-test"]) == 0
    out = capsys.readouterr().out
    for label in ("Marionette Studio", "Python", "Qt", "torch", "mediapipe", "numpy"):
        assert label in out
    for name in ("device", "render", "face", "plugins", "window"):
        assert f"ok   {name}" in out
    assert "self-test passed" in out


def test_a_failing_step_is_named_and_exits_1(steps, capsys):
    def broken(folder):
        raise RuntimeError("no face found in 0003.png")

    steps.setattr(self_test, "check_face", broken)
    assert main(["self-test", "--no-window"]) == 1
    out = capsys.readouterr().out
    assert "FAIL face     RuntimeError: no face found in 0003.png" in out
    assert "ok   window" not in out and "FAIL window" not in out
    assert out.strip().splitlines()[-1].startswith("self-test FAILED: face")


def test_plugins_step_imports_each_bundled_plugin_and_names_a_broken_one(tmp_path, monkeypatch):
    plugin = tmp_path / "broken"
    (plugin / "broken_pkg").mkdir(parents=True)
    (plugin / "broken_pkg" / "__init__.py").write_text("raise ImportError('missing dependency: foo')\n")
    (plugin / "plugin.toml").write_text('name = "broken"\nversion = "0.1"\napi_version = 1\n\n[[generators]]\n'
                                        'name = "broken"\nentry = "broken_pkg:Generator"\n')
    monkeypatch.setattr(discovery, "bundled_plugin_dir", lambda: tmp_path)
    with pytest.raises(RuntimeError, match="broken: .*missing dependency: foo"):
        self_test.check_plugins()


def test_the_real_bundled_plugins_load():
    assert "tps" in self_test.check_plugins()
