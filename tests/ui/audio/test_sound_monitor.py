"""The sound file that drives the mouth in the Capture dock is heard: played from its start, silenced on stop."""

from __future__ import annotations

from pathlib import Path

from studio.ui.audio.qt_sink import NoSoundOutput
from studio.ui.audio.sound_monitor import SoundMonitor
from studio.ui.capture.capture_source import SoundChoice
from tests.lipsync.test_live_mouth import burst_wav
from tests.ui.audio.fake_sink import FakeSink, FakeTime


def line(tmp_path: Path) -> Path:
    path = tmp_path / "line.wav"
    path.write_bytes(burst_wav(0.2, 0.6, 1.0))
    return path


def test_a_file_is_played_from_its_start_and_stop_silences_it(qtbot, tmp_path) -> None:
    sink = FakeSink(FakeTime())
    monitor = SoundMonitor(lambda: sink)
    path = line(tmp_path)
    monitor.play_file(str(path))
    qtbot.waitUntil(lambda: sink.plays == [0.0], timeout=10000)
    assert sink.loaded == (path.read_bytes(), ".wav")
    monitor.stop()
    assert sink.stops == 1
    monitor.shutdown()


def test_a_file_still_being_read_when_stopped_is_never_played(qtbot, tmp_path) -> None:
    sink = FakeSink(FakeTime())
    monitor = SoundMonitor(lambda: sink)
    monitor.play_file(str(line(tmp_path)))
    monitor.stop()
    monitor.shutdown()
    qtbot.wait(50)
    assert sink.plays == []


def test_without_a_sound_output_it_stays_silent_and_says_so_once(qtbot, tmp_path) -> None:
    def no_output() -> FakeSink:
        raise NoSoundOutput("there is no sound output device")

    monitor = SoundMonitor(no_output)
    messages: list[str] = []
    monitor.message.connect(messages.append)
    for _ in range(2):
        monitor.play_file(str(line(tmp_path)))
        qtbot.waitUntil(lambda: not monitor._jobs, timeout=10000)
    qtbot.wait(20)
    assert messages == ["No sound output (there is no sound output device): the sound file drives the mouth silently"]
    monitor.shutdown()


def test_the_window_plays_the_capture_docks_sound_file_while_it_drives_the_mouth(qtbot, window, tmp_path) -> None:
    sink = FakeSink(FakeTime())
    window.audio.monitor.sink_factory = lambda: sink
    runner = window.capture_panel.sound_runner
    path = line(tmp_path)
    runner.start(SoundChoice(path=path))
    qtbot.waitUntil(lambda: sink.plays == [0.0], timeout=10000)
    assert sink.loaded is not None and sink.loaded[0] == path.read_bytes()
    runner.stop()
    assert sink.stops >= 1
