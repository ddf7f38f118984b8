"""Batch pairs and files: names filled in, paths made absolute on the driver, the manifest, stray temp files."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.errors import UserError
from studio.jobs.batch import BatchPair, OutputFile, PairResult, expand_pairs, project_names
from studio.jobs.batch_files import MANIFEST_NAME, Manifest, file_sha256, remove_stray_temps


def test_pairs_fill_in_the_names_and_resolve_relative_paths_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pairs = expand_pairs([("wave", Path("wave.marionette")), ("nod", Path("nod.marionette"))],
                         [Path("in/a.png"), Path("in/b.jpg")], "out/{project}/{name}.mp4")
    assert [(p.project, p.image, p.output) for p in pairs] == [
        (project, str(tmp_path / "in" / f"{name}{ext}"), str(tmp_path / "out" / project / f"{name}.mp4"))
        for project in ("wave", "nod") for name, ext in (("a", ".png"), ("b", ".jpg"))]
    assert pairs[0].label == "wave/a"


@pytest.mark.parametrize(("images", "output", "message"), [
    ([Path("a.png"), Path("b.png")], "out/{project}.mp4", "put {name} in the output"),
    ([Path("x/a.png"), Path("y/a.png")], "out/{project}/{name}.mp4", "would both write"),
])
def test_ambiguous_outputs_are_refused(images, output, message):
    with pytest.raises(UserError, match=message):
        expand_pairs([("wave", Path("wave.marionette"))], images, output)


def test_projects_with_the_same_name_are_refused():
    with pytest.raises(UserError, match="several projects are named wave"):
        project_names([Path("a/wave.marionette"), Path("b/wave.marionette")])


def _written(tmp_path: Path, name: str, data: bytes) -> PairResult:
    path = tmp_path / name
    path.write_bytes(data)
    pair = BatchPair("wave", str(tmp_path / "in.png"), str(path))
    return PairResult(pair, (OutputFile(str(path), file_sha256(path)),))


def test_the_manifest_knows_complete_outputs_and_notices_changed_ones(tmp_path):
    first, second = _written(tmp_path, "a.mp4", b"clip a"), _written(tmp_path, "b.mp4", b"clip b")
    manifest = Manifest()
    manifest.record(first)
    manifest.record(second)
    with open(tmp_path / MANIFEST_NAME, "a") as handle:
        handle.write('{"output": "c.mp4", "fil')  # a line torn by a killed run
    (tmp_path / "b.mp4").write_bytes(b"clip B")
    fresh = Manifest()
    assert fresh.is_complete(first.pair)
    assert not fresh.is_complete(second.pair)
    assert not fresh.is_complete(BatchPair("wave", "x.png", str(tmp_path / "c.mp4")))


def test_stray_temp_files_and_folders_of_a_target_are_removed_and_nothing_else(tmp_path):
    (tmp_path / ".a.mp4.part-1a2b3c").write_bytes(b"partial")
    (tmp_path / ".f_04d.png.part-9f8e7d").mkdir()
    (tmp_path / ".b.mp4.part-1a2b3c").write_bytes(b"another target's")
    assert remove_stray_temps(tmp_path / "a.mp4") == 1
    assert remove_stray_temps(tmp_path / "f%04d.png") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.mp4.part-1a2b3c"]
