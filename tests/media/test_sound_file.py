"""Reading a sound to store in a project (bytes kept, a video's sound re-encoded to FLAC) and its envelope."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media.audio_decode import decode_audio
from studio.media.sound_file import read_sound_file, sound_duration, waveform_envelope
from tests.media.test_audio_decode import SECONDS, write_audio


@pytest.mark.parametrize(("name", "codec"), [
    ("tone.wav", "pcm_s16le"), ("tone.mp3", "libmp3lame"), ("tone.m4a", "aac"), ("tone.flac", "flac"),
    ("tone.ogg", "libvorbis"),
])
def test_a_sound_file_is_stored_as_it_came(tmp_path, name, codec):
    path = write_audio(tmp_path / name, codec)
    read = read_sound_file(path)
    assert read.data == path.read_bytes() and read.suffix == path.suffix and not read.reencoded
    assert abs(sound_duration(read.data) - SECONDS) < 0.08


def test_the_sound_of_a_video_is_reencoded_to_flac(tmp_path):
    read = read_sound_file(write_audio(tmp_path / "clip.mp4", "aac", with_video=True))
    assert read.suffix == ".flac" and read.reencoded and read.name == "clip.mp4"
    assert read.data[:4] == b"fLaC"
    assert abs(sound_duration(read.data) - SECONDS) < 0.08


def test_a_file_without_sound_is_one_line(tmp_path):
    with pytest.raises(UserError, match="not found"):
        read_sound_file(tmp_path / "none.wav")
    (tmp_path / "junk.wav").write_bytes(b"not audio at all")
    with pytest.raises(UserError, match="convert it"):
        read_sound_file(tmp_path / "junk.wav")


def test_envelope_follows_the_loudness(tmp_path):
    data = write_audio(tmp_path / "tone.wav", "pcm_s16le").read_bytes()
    envelope = waveform_envelope(data, bins_per_second=100)
    assert envelope.dtype == np.float32 and abs(len(envelope) - SECONDS * 100) <= 1
    # the 0.3 tone in both channels, everywhere; the mono downmix of two equal channels is 3 dB louder
    assert float(envelope[10:-10].min()) > 0.4 and float(envelope.max()) < 0.45


def test_decode_audio_reads_stored_bytes(tmp_path):
    path = write_audio(tmp_path / "tone.flac", "flac")
    np.testing.assert_array_equal(decode_audio(path.read_bytes()), decode_audio(path))
