"""What the bundle leaves out: files the studio never uses, matched on their path inside the bundle.

Used by the PyInstaller spec to filter the collected files, and to report how much each rule saved.
"""

from __future__ import annotations

import os
from fnmatch import fnmatch

# (reason, glob patterns on the destination path inside the bundle)
TRIM_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("torch C++ headers, CMake files and static libraries", (
        "torch/include/*", "torch/share/*", "*.a", "*caffe2*")),
    ("torch test data, test binaries and test libraries", (
        "torch/test/*", "torch/bin/test_*", "torch/bin/*Test", "torch/bin/protoc*", "torch/bin/*.pt",
        "torch/bin/*.ptl", "torch/lib/libaoti_custom_ops.so", "torch/lib/libbackend_with_compiler.so",
        "torch/lib/libjitbackend_test.so", "torch/lib/libtorchbind_test.so")),
    ("Qt translations (the studio is in English)", (
        "PySide6/Qt/translations/*",)),
    ("Qt modules the studio never imports (QML, Quick, WebEngine, 3D, PDF, Designer, Multimedia)", (
        "PySide6/Qt/qml/*", "PySide6/Qt/lib/libQt6Qml*", "PySide6/Qt/lib/libQt6Quick*",
        "PySide6/Qt/lib/libQt6WebEngine*", "PySide6/Qt/lib/libQt63D*", "PySide6/Qt/lib/libQt6Pdf*",
        "PySide6/Qt/lib/libQt6Designer*", "PySide6/Qt/lib/libQt6Multimedia*", "PySide6/Qt/resources/*",
        "PySide6/Qt/libexec/*")),
    ("matplotlib sample data", ("matplotlib/mpl-data/sample_data/*",)),
    ("OpenCV's highgui fonts (the studio opens no OpenCV windows)", ("cv2/qt/fonts/*",)),
]

# Python packages the studio never imports at run time (tooling, tests, other GUI toolkits). jax and jaxlib
# (about 350 MB) come only through mediapipe's genai converter and torch's pallas codegen, neither used here.
# torch.testing._internal must stay: `import torch` loads part of it.
EXCLUDED_MODULES = [
    "jax", "jaxlib", "ml_dtypes",
    "tkinter", "_tkinter", "IPython", "pytest", "_pytest", "pytestqt", "ruff", "importlinter", "PyInstaller",
    "matplotlib.tests", "numpy.tests", "scipy.conftest",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtQuick", "PySide6.QtQml",
    "PySide6.Qt3DCore", "PySide6.QtPdf", "PySide6.QtDesigner", "PySide6.QtMultimedia", "PyQt5", "PyQt6",
]


def trim_reason(dest: str) -> str | None:
    """The reason a bundle path is left out, or None when it is kept."""
    dest = dest.replace(os.sep, "/")
    for reason, patterns in TRIM_RULES:
        if any(fnmatch(dest, pattern) for pattern in patterns):
            return reason
    return None


def _size(path: str) -> int:
    """A collected file's size in bytes (0 when it is not a plain file)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def trim_toc(toc: list[tuple[str, str, str]], saved: dict[str, int]) -> list[tuple[str, str, str]]:
    """The TOC entries to keep; adds the bytes of every dropped entry to ``saved`` under its reason."""
    kept = []
    for entry in toc:
        reason = trim_reason(entry[0])
        if reason is None:
            kept.append(entry)
        else:
            saved[reason] = saved.get(reason, 0) + _size(entry[1])
    return kept


def toc_bytes(toc: list[tuple[str, str, str]]) -> int:
    """Total bytes of the files in a TOC."""
    return sum(_size(entry[1]) for entry in toc)
