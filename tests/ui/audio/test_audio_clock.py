"""The audio clock maps the sink's position to frames: 60 s of playback stays within a frame of the sound."""

from __future__ import annotations

import math

import pytest

from studio.ui.audio.audio_clock import MAX_EXTRAPOLATION, AudioClock
from tests.ui.audio.fake_sink import FakeSink, FakeTime

FPS = 30.0


def simulate(seconds: float, rate: float, step: float) -> tuple[float, float]:
    """Play ``seconds`` from frame 10 of a sound at frame 10, ticking at the frame rate with a jittery GUI
    thread; returns the worst |clock frame - sound frame| and the wall-clock count's error at the end."""
    time = FakeTime()
    sink = FakeSink(time, rate=rate, step=step)
    clock = AudioClock(sink, now=time)
    assert clock.start(10.0, FPS, 10, duration=1e9)
    worst, tick = 0.0, 0
    while time.now < seconds:
        tick += 1
        time.now = tick / FPS + 0.004 * math.sin(tick * 1.7)  # the timer fires a few ms early or late
        heard = 10 + sink.true_position() * FPS
        worst = max(worst, abs(clock.frame() - heard))
    counted = 10 + time.now * FPS  # what counting wall-clock frames would show
    return worst, abs(counted - (10 + sink.true_position() * FPS))


def test_sixty_seconds_of_playback_drift_less_than_one_frame():
    # the sound device runs 0.3% fast and reports its position every 20 ms
    worst, counted_error = simulate(60.0, rate=1.003, step=0.02)
    assert worst < 1.0
    assert counted_error > 5.0  # counting frames instead would be 5 frames off after a minute


def test_between_coarse_reports_the_clock_moves_on_with_the_wall_clock():
    time = FakeTime()
    sink = FakeSink(time, step=0.05)
    clock = AudioClock(sink, now=time)
    clock.start(0.0, FPS, 0, duration=10.0)
    time.now = 0.04  # the sink still says 0.0
    assert clock.frame() == pytest.approx(0.04 * FPS)


def test_a_stalled_sink_holds_the_clock_after_a_short_while():
    time = FakeTime()
    sink = FakeSink(time, rate=0.0)
    clock = AudioClock(sink, now=time)
    clock.start(0.0, FPS, 0, duration=10.0)
    time.now = 5.0
    assert clock.frame() == pytest.approx(MAX_EXTRAPOLATION * FPS)


def test_start_outside_the_sound_does_not_play_and_the_end_gives_none():
    time = FakeTime()
    sink = FakeSink(time, duration=1.0)
    clock = AudioClock(sink, now=time)
    assert not clock.start(5.0, FPS, 10, duration=1.0)  # before the sound starts
    assert not clock.start(50.0, FPS, 10, duration=1.0)  # after it ends
    assert sink.plays == [] and clock.frame() is None
    assert clock.start(25.0, FPS, 10, duration=1.0)
    assert sink.plays == [pytest.approx(0.5)]
    time.now = 0.6  # past the end of the sound
    assert clock.frame() is None
    clock.stop()
    assert not clock.running and sink.stops == 1
