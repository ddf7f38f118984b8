import os
import stat

import pytest

from studio.core.atomic import atomic_path, write_bytes_atomically
from studio.core.errors import UserError


def test_atomic_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        write_bytes_atomically(tmp_path / "out.bin", b"data")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.bin").stat().st_mode) == 0o644


def test_a_failed_block_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot write"):
        write_bytes_atomically(tmp_path / "nope" / "out.bin", b"data")
