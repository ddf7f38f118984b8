"""The studio's audio sink: QtMultimedia's QMediaPlayer and QAudioOutput playing the stored sound from memory."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QObject, QUrl


class NoSoundOutput(RuntimeError):
    """QtMultimedia is missing or has no output device: the studio plays silently."""


class QtSink(QObject):
    """Plays the project's sound with QMediaPlayer from a QBuffer (no temporary file)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as error:
            raise NoSoundOutput(f"QtMultimedia is not available ({error})") from None
        if not QMediaDevices.audioOutputs():
            raise NoSoundOutput("there is no sound output device")
        self._playing_state = QMediaPlayer.PlaybackState.PlayingState
        self._player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        self._player.setAudioOutput(self._output)
        self._buffer: QBuffer | None = None

    def load(self, data: bytes, suffix: str) -> None:
        """Play ``data`` from now on (``suffix`` tells the decoder its format)."""
        self._player.stop()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        self._player.setSourceDevice(buffer, QUrl(f"sound{suffix}"))
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer

    def play(self, seconds: float) -> None:
        """Start playing from ``seconds``."""
        self._player.setPosition(round(seconds * 1000))
        self._player.play()

    def stop(self) -> None:
        """Stop playing."""
        self._player.pause()

    def position(self) -> float | None:
        """Seconds into the sound now, None unless playing."""
        if self._player.playbackState() != self._playing_state:
            return None
        return self._player.position() / 1000.0

    def set_gain(self, gain: float) -> None:
        """Linear gain (QAudioOutput's volume is linear, 0..1)."""
        self._output.setVolume(min(max(gain, 0.0), 1.0))
