"""Build the one-folder bundle and pack it: ``make dist``.

Runs PyInstaller on packaging/marionette-studio.spec, adds THIRD-PARTY-LICENSES.txt beside the
launcher, packs ``dist/marionette-studio-VERSION-linux-x86_64.tar.gz`` and prints one JSON line
with the build time, sizes and what the trim rules saved.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from third_party import write_licences  # noqa: E402

from studio.version import DISTRIBUTION, app_version  # noqa: E402

WORK = ROOT / "build" / "packaging"
APP_NAME = "marionette-studio"


def tarball_path(version: str) -> Path:
    """Where the packed bundle goes: dist/marionette-studio-VERSION-linux-x86_64.tar.gz."""
    return ROOT / "dist" / f"{APP_NAME}-{version}-{sys.platform.rstrip('0123456789')}-{platform.machine()}.tar.gz"


def folder_bytes(folder: Path) -> int:
    """Bytes of every regular file under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def run_pyinstaller() -> Path:
    """Run PyInstaller on the spec; return the built one-folder app."""
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"),
                    str(ROOT / "packaging" / f"{APP_NAME}.spec")], check=True, cwd=ROOT)
    return WORK / "dist" / APP_NAME


def pack(folder: Path, target: Path) -> None:
    """Pack the app folder as a .tar.gz whose single top folder is ``marionette-studio/``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=APP_NAME)
    partial.replace(target)


def main() -> int:
    """Build, add the licence notices, pack, report."""
    started = time.perf_counter()
    version = app_version()
    folder = run_pyinstaller()
    built = time.perf_counter()
    shipped = set(json.loads((WORK / "shipped.json").read_text()))
    covered = write_licences(folder / "THIRD-PARTY-LICENSES.txt", [DISTRIBUTION], shipped)
    shutil.copy(ROOT / "resources" / "LICENSES.md", folder / "RESOURCE-LICENSES.md")
    target = tarball_path(version)
    pack(folder, target)
    trim = json.loads((WORK / "trim.json").read_text())
    print(json.dumps({
        "version": version, "tarball": str(target.relative_to(ROOT)),
        "pyinstaller_s": round(built - started, 1), "total_s": round(time.perf_counter() - started, 1),
        "folder_mb": round(folder_bytes(folder) / 1e6, 1), "tarball_mb": round(target.stat().st_size / 1e6, 1),
        "collected_mb": round(trim["collected_bytes"] / 1e6, 1),
        "trimmed_mb": {reason: round(size / 1e6, 1) for reason, size in trim["trimmed_bytes"].items()},
        "licences": len(covered),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
