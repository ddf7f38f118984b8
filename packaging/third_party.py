"""THIRD-PARTY-LICENSES.txt: the licence notices of everything the bundle ships.

Walks the installed distributions the app needs at run time (the transitive closure of pyproject's
dependencies, read from package metadata), keeps those the bundle actually holds (when the build says
which top-level names it collected), and writes each one's licence fields and licence files, plus
Python's own licence, into one text file.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

RULE = "=" * 100


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    """The names of a distribution's unconditional run-time requirements (no extras)."""
    names = []
    for text in dist.requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def runtime_distributions(roots: list[str]) -> list[metadata.Distribution]:
    """The installed distributions reachable from ``roots`` through their requirements, sorted by name."""
    found: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        name = re.sub(r"[-_.]+", "-", pending.pop()).lower()
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[name] = dist
        pending.extend(_requirement_names(dist))
    return [found[name] for name in sorted(found)]


def top_level_names(dist: metadata.Distribution) -> set[str]:
    """The importable top-level names (and library folders such as ``numpy.libs``) a distribution installs."""
    names = set()
    for file in dist.files or []:
        first = Path(str(file)).parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".egg-info", ".data")):
            continue
        names.add(first.removesuffix(".py") if first.endswith(".py") else first.split(".cpython")[0].split(".abi3")[0])
    return names


def _licence_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(name, text) of each licence file a distribution declares or ships in its dist-info."""
    names = dist.metadata.get_all("License-File") or []
    files = [f for f in dist.files or [] if Path(str(f)).name.upper().startswith(("LICENSE", "LICENCE", "COPYING",
                                                                                  "NOTICE"))]
    texts, seen = [], set()
    for file in files:
        if str(file) in seen or (names and Path(str(file)).name not in {Path(n).name for n in names}
                                 and "licenses" not in str(file)):
            continue
        seen.add(str(file))
        try:
            texts.append((str(file), Path(str(dist.locate_file(file))).read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return texts


def notice(dist: metadata.Distribution) -> str:
    """One distribution's section: name, version, licence expression, home page and licence texts."""
    meta = dist.metadata
    expression = meta.get("License-Expression") or meta.get("License") or ""
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    lines = [RULE, f"{meta['Name']} {dist.version}",
             f"Licence: {expression.strip().splitlines()[0] if expression.strip() else ', '.join(classifiers)}",
             f"Home: {meta.get('Home-page') or meta.get('Project-URL', '')}", RULE]
    for name, text in _licence_files(dist):
        lines += [f"--- {name}", text.rstrip(), ""]
    if len(lines) == 5 and expression.strip():
        lines += [expression.strip(), ""]
    return "\n".join(lines) + "\n"


def write_licences(path: Path, roots: list[str], shipped: set[str] | None = None) -> list[str]:
    """Write the notices of Python and every run-time distribution to ``path``; return the names covered.

    ``shipped``: the top-level names the bundle holds; distributions with none of them are left out.
    """
    dists = [d for d in runtime_distributions(roots) if d.metadata["Name"].lower() != roots[0]
             and (shipped is None or top_level_names(d) & shipped)]
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    python_licence /= "LICENSE.txt"
    parts = ["Marionette Studio ships the following third-party software. Their licences follow.\n\n",
             f"{RULE}\nPython {sys.version.split()[0]}\nLicence: PSF-2.0\n{RULE}\n"]
    if python_licence.is_file():
        parts.append(python_licence.read_text(encoding="utf-8", errors="replace") + "\n")
    parts += [notice(dist) for dist in dists]
    path.write_text("".join(parts), encoding="utf-8")
    return ["Python", *(d.metadata["Name"] for d in dists)]
