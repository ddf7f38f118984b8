"""Weight loading: weights-only torch checkpoints, checksums, and refusals."""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import pytest
import torch

from studio.core.errors import UserError
from studio.plugins.weights import load_weights, verify_weight_file


class _Custom:
    """A class that only arbitrary unpickling could rebuild."""

    def __init__(self) -> None:
        self.value = 3


def test_state_dict_loads_and_checks_sha256(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    torch.save({"weight": torch.arange(6.0).reshape(2, 3)}, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    state = load_weights(path, expected_sha256=digest)
    assert torch.equal(state["weight"], torch.arange(6.0).reshape(2, 3))
    with pytest.raises(UserError, match="has sha256"):
        load_weights(path, expected_sha256="0" * 64)


def test_checkpoint_needing_arbitrary_unpickling_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "unsafe.pt"
    torch.save({"weight": torch.zeros(2), "extra": _Custom(), "od": collections.OrderedDict()}, path)
    with pytest.raises(UserError, match=r"^refusing to load unsafe\.pt: it needs arbitrary code to unpickle"):
        load_weights(path)


def test_safetensors_needs_its_package(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x00" * 16)
    try:
        import safetensors  # noqa: F401
    except ImportError:
        with pytest.raises(UserError, match="needs the safetensors package"):
            load_weights(path)
    else:
        pytest.skip("safetensors is installed here")


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_weights(tmp_path / "nope.pt")
    (tmp_path / "junk.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(UserError, match="cannot read weight file junk.pt"):
        load_weights(tmp_path / "junk.pt")
    (tmp_path / "opcode.pt").write_bytes(b"invalid-load-key-data")
    with pytest.raises(UserError, match="cannot read weight file opcode.pt: it is damaged"):
        load_weights(tmp_path / "opcode.pt")


def test_verify_weight_file_checks_size(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"abc")
    verify_weight_file(path, hashlib.sha256(b"abc").hexdigest(), 3)
    with pytest.raises(UserError, match="is 3 bytes, the manifest says 4"):
        verify_weight_file(path, hashlib.sha256(b"abc").hexdigest(), 4)
