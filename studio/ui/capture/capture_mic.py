"""The microphone as a SoundSource: QAudioSource pushes its buffers on the GUI thread (non-blocking readyRead),
the capture-sound thread reads them as mono float samples at the device's rate. No GUI thread ever waits.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices, QtAudio

from studio.capture.live_sound import MIC_BUFFER
from studio.core.errors import UserError
from studio.media.audio_decode import SPEECH_RATE

READ_WAIT = 0.05  # seconds the sound thread waits for samples before checking whether to stop
NO_MICROPHONE = ("No audio input device found: plug in a microphone and open this list again "
                 "(a sound file works meanwhile)")
_SCALES = {QAudioFormat.SampleFormat.UInt8: (np.uint8, 128.0, 128.0),
           QAudioFormat.SampleFormat.Int16: (np.int16, 0.0, 32768.0),
           QAudioFormat.SampleFormat.Int32: (np.int32, 0.0, 2147483648.0),
           QAudioFormat.SampleFormat.Float: (np.float32, 0.0, 1.0)}


def list_microphones() -> list[tuple[bytes, str]]:
    """(device id, description) of every audio input, the system's default first."""
    default = QMediaDevices.defaultAudioInput()
    devices = sorted(QMediaDevices.audioInputs(), key=lambda device: device.id() != default.id())
    return [(bytes(device.id().data()), device.description()) for device in devices]


def pcm_to_mono(data: bytes, sample_format: QAudioFormat.SampleFormat, channels: int) -> np.ndarray:
    """Interleaved PCM bytes as mono float32 samples in [-1, 1] (channels averaged)."""
    dtype, offset, scale = _SCALES[sample_format]
    samples = (np.frombuffer(data, dtype=dtype).astype(np.float32) - offset) / scale
    frames = len(samples) // max(1, channels)
    return samples[: frames * channels].reshape(frames, max(1, channels)).mean(axis=1)


def _format_for(device: QAudioDevice) -> QAudioFormat:
    """16 kHz mono 16-bit when the device takes it, else the device's preferred format (converted on arrival)."""
    wanted = QAudioFormat()
    wanted.setSampleRate(SPEECH_RATE)
    wanted.setChannelCount(1)
    wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return wanted if device.isFormatSupported(wanted) else device.preferredFormat()


class MicrophoneSource(QObject):
    """A microphone read as a SoundSource. Make, start and close it on the GUI thread; ``read`` runs on the sound
    thread and waits at most READ_WAIT for new samples (an empty array when none came)."""

    def __init__(self, device_id: bytes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        device = next((d for d in QMediaDevices.audioInputs() if bytes(d.id().data()) == device_id), None)
        if device is None:
            raise UserError("the microphone is gone: plug it in again or choose another one")
        self._format = _format_for(device)
        self.rate = self._format.sampleRate()
        self._audio = QAudioSource(device, self._format, self)
        self._audio.setBufferSize(self._format.bytesForDuration(round(MIC_BUFFER * 1_000_000)))
        self._chunks: list[np.ndarray] = []
        self._ready = threading.Condition()
        self._closed = False
        self._audio_stopped = False
        self._io = self._audio.start()
        if self._io is None or self._audio.error() != QtAudio.Error.NoError:
            self.close()
            raise UserError(f"{device.description()} cannot be opened: check it is not used by another app")
        self._io.readyRead.connect(self._pull)

    def _pull(self) -> None:
        """Take what the device buffered (GUI thread; never blocks)."""
        data = bytes(self._io.readAll().data())
        if not data:
            return
        samples = pcm_to_mono(data, self._format.sampleFormat(), self._format.channelCount())
        with self._ready:
            self._chunks.append(samples)
            self._ready.notify()

    def read(self, count: int) -> np.ndarray | None:
        """Up to ``count`` samples heard since the last read; None once closed."""
        with self._ready:
            self._ready.wait_for(lambda: self._chunks or self._closed, READ_WAIT)
            if self._closed:
                return None
            joined = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
            self._chunks = [joined[count:]] if len(joined) > count else []
            return joined[:count]

    def close(self) -> None:
        """Stop the device and end the stream (GUI thread; safe to call twice)."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        if not self._audio_stopped:
            self._audio_stopped = True
            self._audio.stop()
            self.deleteLater()
