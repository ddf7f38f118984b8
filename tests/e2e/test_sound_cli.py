"""`new IMAGE --audio FILE` stores the sound; `render` puts it in by default, `--no-audio` leaves it out."""

import av
import cv2
import numpy as np

from tests.e2e.conftest import user_error_line
from tests.media.test_audio_decode import write_audio


def _has_audio(path) -> bool:
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def test_new_with_audio_then_render_with_and_without_it(main_py, tmp_path):
    image = tmp_path / "grey.png"
    cv2.imwrite(str(image), np.full((48, 64, 3), 120, np.uint8))
    clip = write_audio(tmp_path / "clip.mp4", "aac", with_video=True)
    project = tmp_path / "shot.marionette"
    result = main_py("new", str(image), "-o", str(project), "--frames", "10", "--audio", str(clip))
    assert result.returncode == 0, result.stderr
    assert "sound clip.mp4 (FLAC)" in result.stdout and "re-encoded as FLAC" in result.stderr
    assert main_py("render", str(project), "-o", str(tmp_path / "with.mp4")).returncode == 0
    assert _has_audio(tmp_path / "with.mp4")
    assert main_py("render", str(project), "-o", str(tmp_path / "without.mp4"), "--no-audio").returncode == 0
    assert not _has_audio(tmp_path / "without.mp4")


def test_new_with_a_file_without_sound_is_one_line(main_py, tmp_path):
    image = tmp_path / "grey.png"
    cv2.imwrite(str(image), np.full((48, 64, 3), 120, np.uint8))
    line = user_error_line(main_py("new", str(image), "-o", str(tmp_path / "a.marionette"), "--audio", str(image)))
    assert "no sound" in line
