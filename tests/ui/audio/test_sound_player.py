"""The sound player with a fake sink: starts and stops with playback, follows the playhead, plays scrub
snippets, respects offset and mute, and says once when there is no sound output."""

from __future__ import annotations

import pytest

from studio.core.audio import ChangeSound, Sound
from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.ui.audio.qt_sink import NoSoundOutput
from studio.ui.audio.sound_player import SNIPPET_MS, SoundPlayer
from studio.ui.session import Session
from tests.ui.audio.fake_sink import FakeSink, FakeTime

SOUND = Sound(b"RIFF....WAVE", "line.wav", ".wav", offset=10)


@pytest.fixture
def player():
    project = Project(b"", 64, 64)
    project.keypoints.append(Keypoint("a", "a", "#4dabf7", 10.0, 20.0))
    project.timing = Timing(30.0, 0, 299)
    project.sound = SOUND
    session = Session(project)
    sink = FakeSink(FakeTime())
    made = SoundPlayer(session, lambda: sink)
    made.sink = sink
    yield made
    made.shutdown()


def test_playing_starts_the_sound_at_the_playhead_and_pausing_stops_it(player):
    player.session.set_frame(40)
    player.set_playing(True)
    assert player.sink.plays == [pytest.approx(1.0)]  # frame 40 is 30 frames (1 s) into a sound at frame 10
    assert player.sink.loaded == (SOUND.data, ".wav")
    assert player.frame_now() == pytest.approx(40.0, abs=0.5)
    player.set_playing(False)
    assert player.sink.stops == 1 and player.frame_now() is None


def test_the_sound_starts_when_the_playhead_enters_it(player):
    player.set_playing(True)  # frame 0: before the sound
    assert player.sink.plays == []
    player.session.set_frame(10)
    assert player.sink.plays == [pytest.approx(0.0)]


def test_a_jump_of_the_playhead_moves_the_sound(player):
    player.session.set_frame(40)
    player.set_playing(True)
    player.session.set_frame(100)
    assert player.sink.plays[-1] == pytest.approx(3.0)


def test_scrubbing_plays_a_short_snippet(player, qtbot):
    player.scrub(25)
    assert player.sink.plays == [pytest.approx(0.5)]
    qtbot.waitUntil(lambda: player.sink.stops == 1, timeout=SNIPPET_MS * 10)


def test_muted_or_absent_sound_is_not_played_and_volume_is_the_gain(player):
    session = player.session
    session.push(ChangeSound(SOUND, SOUND.with_changes(volume=0.5)))
    player.scrub(20)
    assert player.sink.gain == 0.5
    session.push(ChangeSound(session.project.sound, SOUND.with_changes(muted=True)))
    player.set_playing(True)
    session.set_frame(50)
    assert len(player.sink.plays) == 1  # only the scrub before muting


def test_no_sound_output_is_said_once_and_playback_stays_silent(qtbot):
    project = Project(b"", 64, 64)
    project.sound = SOUND
    session = Session(project)

    def no_output():
        raise NoSoundOutput("there is no sound output device")

    player = SoundPlayer(session, no_output)
    messages: list[str] = []
    player.message.connect(messages.append)
    player.set_playing(True)
    session.set_frame(20)
    player.scrub(30)
    assert messages == ["No sound output (there is no sound output device): playing silently"]
    player.shutdown()
