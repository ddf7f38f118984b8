"""Every export format, decoded back: frame count, size, fps, codec, pixel format, alpha and audio."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media.image_io import load_image
from studio.media.output_spec import OutputSpec, format_for
from studio.media.writers import open_writer, write_frames
from tests.media.conftest import make_frames, write_sine

FPS = 24
COUNT = 18


def _decode(path: Path) -> tuple[av.video.stream.VideoStream, list[av.VideoFrame], dict]:
    """The video stream facts, decoded frames and audio facts of a file."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        facts = {
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "size": (stream.codec_context.width, stream.codec_context.height),
            "fps": float(stream.average_rate or 0),
            "profile": stream.codec_context.profile,
            "metadata": dict(stream.metadata),
        }
        frames = list(container.decode(stream))
    audio: dict = {}
    with av.open(str(path)) as container:
        if container.streams.audio:
            stream = container.streams.audio[0]
            samples = [frame.to_ndarray() for frame in container.decode(stream)]
            data = np.concatenate(samples, axis=1) if samples else np.zeros((1, 0))
            audio = {"codec": stream.codec_context.name, "rate": stream.rate, "samples": data}
    return facts, frames, audio


def _assert_audio_length(audio: dict, seconds: float) -> None:
    assert audio, "no audio stream"
    decoded_seconds = audio["samples"].shape[-1] / audio["rate"]
    # encoders pad to whole frames and add priming that the decoder returns: allow ~2 encoder frames
    assert decoded_seconds == pytest.approx(seconds, abs=0.05)


def test_mp4_h264_with_audio(tmp_path: Path, sine_wav: Path) -> None:
    spec = OutputSpec(str(tmp_path / "out.mp4"), fps=FPS, width=64, height=48, audio=str(sine_wav))
    assert format_for(spec) == "mp4"
    outputs = write_frames(make_frames(COUNT), spec, total=COUNT)
    assert outputs == [tmp_path / "out.mp4"]
    facts, frames, audio = _decode(outputs[0])
    assert facts["codec"] == "h264" and facts["pix_fmt"] == "yuv420p" and facts["profile"] == "High"
    data = outputs[0].read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")  # faststart: the index comes first
    assert facts["size"] == (64, 48) and facts["fps"] == FPS
    assert len(frames) == COUNT
    assert audio["codec"] == "aac"
    _assert_audio_length(audio, COUNT / FPS)
    rgb = frames[5].to_ndarray(format="rgb24").astype(int)
    assert np.abs(rgb - make_frames(COUNT)[5]).mean() < 6


def test_mp4_odd_size_is_padded_to_even_keeping_content(tmp_path: Path) -> None:
    frames = make_frames(4, width=65, height=49)
    spec = OutputSpec(str(tmp_path / "odd.mp4"), fps=FPS, width=65, height=49)
    facts, decoded, _ = _decode(write_frames(frames, spec)[0])
    assert facts["size"] == (66, 50)
    rgb = decoded[0].to_ndarray(format="rgb24").astype(int)
    assert np.abs(rgb[:49, :65] - frames[0]).mean() < 6
    assert np.abs(rgb[:49, 65] - rgb[:49, 64]).mean() < 6


def test_mp4_flattens_alpha_over_background(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "bg.mp4"), fps=FPS, width=64, height=48, alpha=True, background=(0, 0, 255))
    _, decoded, _ = _decode(write_frames(make_frames(3, alpha=True), spec)[0])
    corner = decoded[0].to_ndarray(format="rgb24")[2:8, 2:8].reshape(-1, 3).mean(axis=0)
    assert corner[2] > 200 and corner[0] < 40


def test_webm_vp9_with_opus_audio(tmp_path: Path, sine_wav: Path) -> None:
    spec = OutputSpec(str(tmp_path / "out.webm"), fps=FPS, width=64, height=48, audio=str(sine_wav))
    facts, frames, audio = _decode(write_frames(make_frames(COUNT), spec)[0])
    assert facts["codec"] == "vp9" and facts["pix_fmt"] == "yuv420p"
    assert facts["size"] == (64, 48) and len(frames) == COUNT
    assert audio["codec"] == "opus"
    _assert_audio_length(audio, COUNT / FPS)


def test_webm_keeps_alpha_when_no_background(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "alpha.webm"), fps=FPS, width=64, height=48, alpha=True)
    path = write_frames(make_frames(4, alpha=True), spec)[0]
    facts, _, _ = _decode(path)
    assert facts["metadata"].get("alpha_mode") == "1"
    with av.open(str(path)) as container:
        decoder = av.CodecContext.create("libvpx-vp9", "r")
        packet = next(container.demux(container.streams.video[0]))
        frame = decoder.decode(packet)[0]
    assert frame.format.name == "yuva420p"
    rgba = frame.to_ndarray(format="rgba")
    assert rgba[2:8, 2:8, 3].max() < 30 and rgba[-8:, -8:, 3].min() > 225


def test_mov_prores_4444_keeps_alpha(tmp_path: Path, sine_wav: Path) -> None:
    spec = OutputSpec(str(tmp_path / "out.mov"), fps=FPS, width=64, height=48, alpha=True, audio=str(sine_wav))
    facts, frames, audio = _decode(write_frames(make_frames(COUNT, alpha=True), spec)[0])
    assert facts["codec"] == "prores" and facts["profile"] == "4444"
    assert facts["pix_fmt"].startswith("yuva444p")
    assert len(frames) == COUNT and facts["fps"] == FPS
    rgba = frames[0].to_ndarray(format="rgba")
    assert rgba[2:8, 2:8, 3].max() < 5 and rgba[-8:, -8:, 3].min() > 250
    assert audio["codec"] == "aac"
    _assert_audio_length(audio, COUNT / FPS)


@pytest.mark.parametrize(("source_name", "target_name"), [("click.wav", "sync.mov"), ("click.m4a", "sync.webm")])
def test_audio_is_cut_to_the_range_and_in_sync(tmp_path: Path, source_name: str, target_name: str) -> None:
    source = write_sine(tmp_path / source_name, 3.0, click_at=1.0)
    frames = make_frames(24)
    spec = OutputSpec(str(tmp_path / target_name), fps=24, width=64, height=48, audio=str(source), audio_start=0.5)
    _, _, audio = _decode(write_frames(frames, spec)[0])
    samples = np.abs(audio["samples"]).max(axis=0)
    click = int(np.argmax(samples > 0.5)) / audio["rate"]
    # the click is 1.0 s into the source, the export starts 0.5 s in: it must sound 0.5 s into the export
    assert click == pytest.approx(0.5, abs=0.03)
    _assert_audio_length(audio, 1.0)


def test_gif_palette_loop_delay_and_transparency(tmp_path: Path) -> None:
    frames = make_frames(10, alpha=True)
    spec = OutputSpec(str(tmp_path / "out.gif"), fps=20, width=64, height=48, alpha=True)
    path = write_frames(frames, spec, total=10)[0]
    data = path.read_bytes()
    assert data.startswith(b"GIF89a")
    assert b"NETSCAPE2.0\x03\x01\x00\x00" in data  # loop forever
    facts, decoded, audio = _decode(path)
    assert facts["codec"] == "gif" and facts["size"] == (64, 48)
    assert len(decoded) == 10 and not audio
    assert [frame.pts for frame in decoded] == [index * 5 for index in range(10)]  # 5/100 s each at 20 fps
    for source, frame in zip(frames, decoded, strict=True):
        rgba = frame.to_ndarray(format="rgba").astype(int)
        assert rgba[2:8, 2:8, 3].max() == 0
        opaque = source[:, :, 3] == 255
        assert (rgba[:, :, 3][opaque] == 255).all()
        assert np.abs(rgba[:, :, :3][opaque] - source[:, :, :3][opaque]).mean() < 12


def test_gif_with_few_colours_is_exact(tmp_path: Path) -> None:
    frames = []
    for index in range(6):
        frame = np.zeros((32, 32, 3), np.uint8)
        frame[:, : 5 * (index + 1)] = (255, 128, 0)
        frames.append(frame)
    spec = OutputSpec(str(tmp_path / "flat.gif"), fps=10, width=32, height=32)
    _, decoded, _ = _decode(write_frames(frames, spec)[0])
    for source, frame in zip(frames, decoded, strict=True):
        np.testing.assert_array_equal(frame.to_ndarray(format="rgb24"), source)


def test_png_sequence_rgba_exact(tmp_path: Path) -> None:
    frames = make_frames(5, alpha=True)
    spec = OutputSpec(str(tmp_path / "seq" / "shot_%04d.png"), fps=FPS, width=64, height=48, alpha=True)
    outputs = write_frames(frames, spec)
    assert [path.name for path in outputs] == [f"shot_{index:04d}.png" for index in range(5)]
    assert sorted(p.name for p in (tmp_path / "seq").iterdir()) == [path.name for path in outputs]
    for source, path in zip(frames, outputs, strict=True):
        np.testing.assert_array_equal(load_image(path), source)


def test_png_sequence_rgb_and_start_number(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "%d.png"), fps=FPS, width=64, height=48, sequence_start=1)
    outputs = write_frames(make_frames(3), spec)
    assert [path.name for path in outputs] == ["1.png", "2.png", "3.png"]
    assert load_image(outputs[0]).shape == (48, 64, 3)


def test_sprite_sheet_atlas_and_texturepacker_json(tmp_path: Path) -> None:
    frames = make_frames(7, width=20, height=10, alpha=True)
    spec = OutputSpec(str(tmp_path / "walk.png"), fps=12, width=20, height=10, alpha=True, sprite_sheet=True)
    assert format_for(spec) == "sprite-sheet"
    outputs = write_frames(frames, spec)
    assert outputs == [tmp_path / "walk.png", tmp_path / "walk.json"]
    atlas = load_image(outputs[0])
    assert atlas.shape == (30, 60, 4)  # ceil(sqrt(7)) = 3 columns, 3 rows
    layout = json.loads(outputs[1].read_text())
    assert layout["meta"]["image"] == "walk.png"
    assert layout["meta"]["format"] == "RGBA8888"
    assert layout["meta"]["size"] == {"w": 60, "h": 30}
    assert layout["meta"]["scale"] == "1" and layout["meta"]["frameTags"] == []
    assert list(layout["frames"]) == [f"walk_{index:04d}.png" for index in range(7)]
    entry = layout["frames"]["walk_0004.png"]
    assert entry["frame"] == {"x": 20, "y": 10, "w": 20, "h": 10}
    assert entry["rotated"] is False and entry["trimmed"] is False
    assert entry["sourceSize"] == {"w": 20, "h": 10}
    assert entry["spriteSourceSize"] == {"x": 0, "y": 0, "w": 20, "h": 10}
    assert entry["duration"] == 83
    for index, source in enumerate(frames):
        rect = layout["frames"][f"walk_{index:04d}.png"]["frame"]
        cell = atlas[rect["y"] : rect["y"] + rect["h"], rect["x"] : rect["x"] + rect["w"]]
        np.testing.assert_array_equal(cell, source)
    assert atlas[20:, 20:, 3].max() == 0  # the two unused cells stay transparent


def test_sprite_sheet_columns_option(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "row.png"), fps=12, width=8, height=8, sprite_sheet=True, sprite_columns=10)
    atlas = load_image(write_frames(make_frames(4, 8, 8), spec)[0])
    assert atlas.shape == (8, 32, 4)
    assert atlas[:, :, 3].min() == 255


def test_open_writer_as_context_manager(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "ctx.mp4"), fps=FPS, width=64, height=48)
    with open_writer(spec) as writer:
        for frame in make_frames(3):
            writer.write(frame)
        outputs = writer.close()
    assert outputs == [tmp_path / "ctx.mp4"]
    assert len(_decode(outputs[0])[1]) == 3


def test_gif_and_sequences_ignore_audio(tmp_path: Path, sine_wav: Path) -> None:
    spec = OutputSpec(str(tmp_path / "a.gif"), fps=10, width=64, height=48, audio=str(sine_wav))
    _, frames, audio = _decode(write_frames(make_frames(3), spec)[0])
    assert len(frames) == 3 and not audio


def test_sprite_sheet_above_the_texture_limit_is_refused_early(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "big.png"), fps=12, width=4200, height=8, sprite_sheet=True, sprite_columns=4)
    frames = iter([np.zeros((8, 4200, 3), np.uint8)] * 10)
    with pytest.raises(UserError, match="above the 16384 px texture limit"):
        write_frames(frames, spec)
    assert list(tmp_path.iterdir()) == []


def test_audio_from_a_driving_video(tmp_path: Path) -> None:
    tone = write_sine(tmp_path / "tone.wav", 2.0)
    driving = tmp_path / "driving.mp4"
    write_frames(make_frames(48), OutputSpec(str(driving), fps=24, width=64, height=48, audio=str(tone)))
    spec = OutputSpec(str(tmp_path / "out.mp4"), fps=12, width=64, height=48, audio=str(driving), audio_start=1.0)
    _, frames, audio = _decode(write_frames(make_frames(6), spec)[0])
    assert len(frames) == 6
    _assert_audio_length(audio, 0.5)
    assert np.abs(audio["samples"]).max() > 0.05  # the tone, not silence
