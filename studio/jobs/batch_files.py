"""A batch's files: the manifest of complete outputs (with sha256), resuming, and a killed run's temp files.

Each output folder holds ``.marionette-batch.jsonl``: one JSON line per finished pair (its output and every file
it wrote, with sizes and sha256). Lines are appended and fsynced as pairs finish, so a killed run loses at most
the line being written; a torn last line is ignored.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
from pathlib import Path

from studio.core.atomic import write_bytes_atomically
from studio.jobs.batch import BatchPair, PairResult
from studio.media.output_spec import OutputSpec
from studio.media.writers import check_not_existing

MANIFEST_NAME = ".marionette-batch.jsonl"


def _temp_bases(target: Path, sprite_sheet: bool) -> list[str]:
    """The names a writer hides its temp files under (core.atomic's ".NAME.part-XXXXXX")."""
    names = [target.name, target.name.replace("%", "_")]
    if sprite_sheet:
        names.append(target.with_suffix(".json").name)
    return sorted(set(names))


def remove_stray_temps(target: Path, sprite_sheet: bool = False) -> int:
    """Delete temp files and folders a killed render of ``target`` left beside it; returns how many."""
    removed = 0
    for base in _temp_bases(target, sprite_sheet):
        for stray in glob.glob(str(target.parent / f".{glob.escape(base)}.part-*")):
            path = Path(stray)
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed


def file_sha256(path: Path) -> str:
    """The file's sha256, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Manifest:
    """The complete outputs recorded in every output folder of a batch."""

    def __init__(self) -> None:
        self._entries: dict[str, list[dict]] = {}
        self._read: set[Path] = set()

    def _load(self, folder: Path) -> None:
        """Read a folder's manifest once (a torn last line from a killed run is skipped)."""
        if folder in self._read:
            return
        self._read.add(folder)
        path = folder / MANIFEST_NAME
        if not path.is_file():
            return
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                self._entries[str(folder / entry["output"])] = entry["files"]
            except (json.JSONDecodeError, KeyError, TypeError):
                continue

    def is_complete(self, pair: BatchPair) -> bool:
        """True when the pair's files are recorded and every one is on disk with its recorded sha256."""
        target = Path(pair.output)
        self._load(target.parent)
        files = self._entries.get(pair.output)
        if not files:
            return False
        for entry in files:
            path = target.parent / entry["name"]
            if not path.is_file() or path.stat().st_size != entry["size"] or file_sha256(path) != entry["sha256"]:
                return False
        return True

    def record(self, result: PairResult) -> None:
        """Append the pair's files to its folder's manifest and flush it to disk."""
        target = Path(result.pair.output)
        files = [{"name": os.path.relpath(f.path, target.parent), "size": Path(f.path).stat().st_size,
                  "sha256": f.sha256} for f in result.files]
        line = json.dumps({"output": target.name, "project": result.pair.project, "image": result.pair.image,
                           "files": files})
        self._entries[result.pair.output] = files
        with open(target.parent / MANIFEST_NAME, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def select_pairs(pairs: list[BatchPair], manifest: Manifest, resume: bool, overwrite: bool,
                 sprite_sheet: bool) -> tuple[list[BatchPair], list[BatchPair]]:
    """(to render, already complete). Without --resume or --overwrite an existing output is an error.

    With --resume, complete outputs are skipped, the rest re-rendered, and stray temp files removed.
    """
    if not (resume or overwrite):
        for pair in pairs:
            check_not_existing(OutputSpec(pair.output, 1, 1, 1, sprite_sheet=sprite_sheet))
    todo, done = [], []
    for pair in pairs:
        if resume and manifest.is_complete(pair):
            done.append(pair)
            continue
        if resume:
            remove_stray_temps(Path(pair.output), sprite_sheet)
        todo.append(pair)
    return todo, done


def store_result(result: PairResult, manifest: Manifest) -> None:
    """Write files a worker sent back as bytes (atomically, beside their targets) and record the pair."""
    for file in result.files:
        if file.data is not None:
            Path(file.path).parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomically(Path(file.path), file.data)
    manifest.record(result)
