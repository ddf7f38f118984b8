"""The build's own logic, quickly: trim rules, the licence notices, the tarball's name."""

from __future__ import annotations

import platform

from studio.version import app_version
from tests.packaging.conftest import load_script


def test_trim_rules_drop_what_the_studio_never_uses_and_keep_what_it_needs():
    trim = load_script("trim")
    dropped = ["torch/include/ATen/Tensor.h", "torch/bin/test_api", "torch/bin/TCPStoreTest", "torch/bin/protoc",
               "torch/lib/libtorchbind_test.so",
               "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
               "PySide6/Qt/lib/libQt6Quick.so.6", "numpy/core/lib/libnpymath.a"]
    kept = ["torch/lib/libtorch_cpu.so", "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/plugins/platforms/"
            "libqoffscreen.so", "mediapipe/modules/face_landmark/face_landmark_with_attention.tflite",
            "resources/sample.marionette", "plugins/tps/plugin.toml", "cv2/cv2.abi3.so", "torch/bin/torch_shm_manager"]
    assert all(trim.trim_reason(path) for path in dropped)
    assert not any(trim.trim_reason(path) for path in kept)


def test_trim_toc_counts_what_each_rule_saved(tmp_path):
    trim = load_script("trim")
    header = tmp_path / "Tensor.h"
    header.write_bytes(b"x" * 100)
    library = tmp_path / "libtorch_cpu.so"
    library.write_bytes(b"y" * 10)
    saved: dict[str, int] = {}
    kept = trim.trim_toc([("torch/include/Tensor.h", str(header), "DATA"),
                          ("torch/lib/libtorch_cpu.so", str(library), "BINARY")], saved)
    assert [entry[0] for entry in kept] == ["torch/lib/libtorch_cpu.so"]
    assert list(saved.values()) == [100]


def test_licence_notices_cover_the_runtime_dependencies(tmp_path):
    licences = load_script("third_party")
    target = tmp_path / "THIRD-PARTY-LICENSES.txt"
    covered = licences.write_licences(target, ["marionette-studio"])
    names = {name.lower() for name in covered}
    assert {"python", "torch", "pyside6", "mediapipe", "numpy", "av", "scipy"} <= names
    assert "pytest" not in names and "marionette-studio" not in names
    text = target.read_text(encoding="utf-8")
    assert "PySide6" in text and "LGPL" in text


def test_the_tarball_is_named_for_the_version_and_platform():
    build = load_script("build")
    name = build.tarball_path(app_version()).name
    assert name == f"marionette-studio-{app_version()}-linux-{platform.machine()}.tar.gz"


def test_licence_notices_leave_out_what_the_bundle_does_not_hold(tmp_path):
    licences = load_script("third_party")
    target = tmp_path / "THIRD-PARTY-LICENSES.txt"
    covered = {name.lower() for name in licences.write_licences(target, ["marionette-studio"],
                                                                 {"torch", "numpy", "numpy.libs", "PySide6"})}
    assert {"python", "torch", "numpy", "pyside6"} <= covered
    assert "jax" not in covered and "mediapipe" not in covered
