"""Audio decoding to 16 kHz mono float32: every import format, the sound of a video, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media.audio_decode import SPEECH_RATE, decode_audio, resample, to_pcm16

SOURCE_RATE = 44_100
SECONDS = 1.5


def chirp(seconds: float = SECONDS, rate: int = SOURCE_RATE) -> np.ndarray:
    """A stereo tone: 440 Hz for the first half, 1000 Hz for the second (left and right equal)."""
    t = np.arange(round(seconds * rate)) / rate
    wave = 0.3 * np.where(t < seconds / 2, np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 1000 * t))
    return np.stack([wave, wave]).astype(np.float32)


def write_audio(path: Path, codec: str, with_video: bool = False) -> Path:
    """``chirp()`` encoded with ``codec`` into ``path`` (a 16-frame black video stream too when ``with_video``)."""
    samples = chirp()
    with av.open(str(path), mode="w") as container:
        video = None
        if with_video:
            video = container.add_stream("mpeg4", rate=10)
            video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        stream = container.add_stream(codec, rate=SOURCE_RATE)
        stream.codec_context.layout = "stereo"
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="stereo")
        frame.sample_rate = SOURCE_RATE
        size = stream.codec_context.frame_size or 1024
        resampler = av.AudioResampler(format=fmt, layout="stereo", rate=SOURCE_RATE, frame_size=size)
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            container.mux(stream.encode(chunk))
        container.mux(stream.encode(None))
        if video is not None:
            for index in range(15):
                picture = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
                picture.pts = index
                container.mux(video.encode(picture))
            container.mux(video.encode(None))
    return path


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency of ``samples`` at 16 kHz."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * SPEECH_RATE / len(samples))


@pytest.mark.parametrize(("name", "codec"), [
    ("tone.wav", "pcm_s16le"), ("tone.mp3", "libmp3lame"), ("tone.m4a", "aac"), ("tone.flac", "flac"),
    ("tone.ogg", "libvorbis"),
])
def test_each_format_decodes_to_16k_mono_with_its_duration_and_pitch(tmp_path, name, codec):
    samples = decode_audio(write_audio(tmp_path / name, codec))
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) / SPEECH_RATE - SECONDS) < 0.08  # lossy codecs add a little priming/padding
    quarter = len(samples) // 4
    assert abs(dominant_hz(samples[quarter // 2: quarter + quarter // 2]) - 440) < 15
    assert abs(dominant_hz(samples[2 * quarter + quarter // 2: 3 * quarter + quarter // 2]) - 1000) < 15
    assert 0.15 < float(np.max(np.abs(samples))) < 0.5


def test_the_sound_of_a_video_file_decodes(tmp_path):
    samples = decode_audio(write_audio(tmp_path / "clip.mp4", "aac", with_video=True))
    assert abs(len(samples) / SPEECH_RATE - SECONDS) < 0.08


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(UserError, match="audio file not found"):
        decode_audio(tmp_path / "nothing.wav")


def test_a_video_without_sound_is_one_line(tmp_path):
    path = tmp_path / "silent.mp4"
    with av.open(str(path), mode="w") as container:
        video = container.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        for index in range(3):
            picture = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            picture.pts = index
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
    with pytest.raises(UserError, match="no audio stream"):
        decode_audio(path)


def test_undecodable_data_is_one_line(tmp_path):
    path = tmp_path / "noise.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(UserError) as caught:
        decode_audio(path)
    assert "\n" not in str(caught.value)


def test_resample_keeps_duration_and_pcm16_is_little_endian_int16():
    one_second = np.sin(2 * np.pi * 300 * np.arange(22_050) / 22_050).astype(np.float32) * 0.5
    out = resample(one_second, 22_050)
    assert abs(len(out) - SPEECH_RATE) <= 32
    pcm = to_pcm16(np.array([0.0, 1.0, -1.0, 2.0], np.float32))
    assert np.frombuffer(pcm, "<i2").tolist() == [0, 32767, -32767, 32767]
