"""Packing a training run (``python main.py train``) into an installable generator plugin (.zip).

The zip holds one folder named after the plugin: ``plugin.toml`` (with the sha256 and size of the
weights), ``weights/model.pth.tar`` (the released FOMM layout: generator and kp_detector state dicts
only, no optimiser state) and a small package whose generator factory builds the studio's
``FommGenerator`` from the bundled ``config.yaml`` and weights.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.core.atomic import atomic_path
from studio.core.errors import CancelledError, UserError
from studio.plugins.manifest import parse_manifest

RESERVED_NAMES = frozenset({"warp", "tps", "fomm", "builtin"})
WEIGHTS_PATH = "weights/model.pth.tar"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")

PACKAGE_CODE = '''"""{title}: a first-order motion model trained with Marionette Studio, packed as a plugin."""

from dataclasses import replace
from pathlib import Path

from studio.engine.fomm.generator import FommGenerator

ROOT = Path(__file__).resolve().parent
NAME = {name!r}
TITLE = {title!r}


def create_generator(device="auto", **options):
    """The packed model behind the generator contract: FommGenerator on the bundled config and weights."""
    generator = FommGenerator(device, config=str(ROOT / "config.yaml"),
                              checkpoint=str(ROOT.parent / {weights!r}), **options)
    generator.capabilities = replace(generator.capabilities, name=NAME, title=TITLE)
    return generator
'''


@dataclass(frozen=True)
class PackResult:
    """What ``pack_plugin`` wrote: the zip, the plugin (and generator) name, its version and the weights' sha256."""

    path: Path
    name: str
    version: str
    sha256: str
    size: int


def plugin_name(text: str) -> str:
    """A plugin name from free text (e.g. the zip's stem): lower case, other characters become '-'."""
    name = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_")
    if not _NAME.match(name):
        raise UserError(f"cannot make a plugin name from {text!r}: give --name with letters, digits, '-' or '_'")
    if name in RESERVED_NAMES:
        raise UserError(f"the name {name!r} is taken by a built-in generator: give another --name")
    return name


def manifest_text(name: str, version: str, title: str, description: str, package: str, sha256: str,
                  size: int) -> str:
    """The plugin.toml of a packed model (checked by the studio's manifest parser before it is written)."""
    text = (f'name = "{name}"\nversion = "{version}"\napi_version = 1\n'
            f"description = {_toml_string(description)}\nlicense = \"\"\nauthor = \"\"\n\n"
            f'[[generators]]\nname = "{name}"\nentry = "{package}:create_generator"\n'
            f"title = {_toml_string(title)}\ndescription = {_toml_string(description)}\n\n"
            f'[[weights]]\npath = "{WEIGHTS_PATH}"\nsha256 = "{sha256}"\nsize = {size}\n')
    parse_manifest(tomllib.loads(text))
    return text


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML for these characters)."""
    return json.dumps(value, ensure_ascii=False)


def pack_plugin(run_dir: str | Path, output: str | Path, name: str | None = None, version: str = "1.0.0",
                title: str | None = None, overwrite: bool = False,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None) -> PackResult:
    """Write an installable plugin .zip from RUN_DIR's config.yaml and checkpoint.pth.tar."""
    import torch

    from studio.engine.fomm.checkpoint import PARTS, build_models, check_state, read_checkpoint
    from studio.engine.fomm.config import load_config

    run_dir, output = Path(run_dir), Path(output)
    config_path, checkpoint_path = run_dir / "config.yaml", run_dir / "checkpoint.pth.tar"
    for path in (config_path, checkpoint_path):
        if not path.is_file():
            raise UserError(f"{run_dir} holds no {path.name}: give the folder of a training run (train -o RUN_DIR)")
    if output.suffix.lower() != ".zip":
        raise UserError(f"{output.name}: the plugin is written as a .zip; end the output name with .zip")
    if output.exists() and not overwrite:
        raise UserError(f"{output} exists: add --overwrite to replace it")
    if not _VERSION.match(version):
        raise UserError(f"--version {version!r}: expected numbers like 1.2.0")
    name = plugin_name(name or output.stem)
    config = load_config(config_path)
    models = build_models(config)
    parts = read_checkpoint(checkpoint_path)
    released = {part: check_state(part, model, parts[part]) for part, model in zip(PARTS, models, strict=True)}
    if cancel is not None and cancel.is_set():
        raise CancelledError()
    buffer = io.BytesIO()
    torch.save(released, buffer)
    weights = buffer.getvalue()
    sha256 = hashlib.sha256(weights).hexdigest()
    title = title or f"{name} (trained model)"
    height, width = config.frame_size
    description = (f"First-order motion model trained with Marionette Studio: {width}x{height} frames, "
                   f"{config.common.num_kp} keypoints.")
    package = "marionette_model_" + name.replace("-", "_")
    files = {
        "plugin.toml": manifest_text(name, version, title, description, package, sha256, len(weights)).encode(),
        f"{package}/__init__.py": PACKAGE_CODE.format(name=name, title=title, weights=WEIGHTS_PATH).encode(),
        f"{package}/config.yaml": config_path.read_bytes(),
        WEIGHTS_PATH: weights,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(output) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for done, (relative, data) in enumerate(files.items(), 1):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            bundle.writestr(f"{name}/{relative}", data)
            if progress is not None:
                progress(done, len(files))
    return PackResult(output, name, version, sha256, len(weights))
