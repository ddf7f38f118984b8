"""Writing run files atomically with the usual permissions (a reader never sees half a file)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from studio.core.errors import UserError
from studio.media.atomic import replace_atomically, temp_path_beside


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """A temp path beside ``target`` (created with the usual permissions); fsync and rename it onto ``target``
    when the block succeeds, delete it when it fails. OS errors become UserErrors naming the file."""
    temp = temp_path_beside(target)
    try:
        yield temp
        replace_atomically(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
