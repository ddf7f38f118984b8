"""Before Qt starts on an X11 desktop: are the system libraries its xcb plugin needs installed, does X answer?

Without them Qt aborts with a long message ("xcb-cursor0 or libxcb-cursor0 is needed ..."). The list is what
``ldd PySide6/Qt/plugins/platforms/libqxcb.so`` names outside Qt and the C library, with the package that
ships each one on Debian/Ubuntu (apt) and Fedora (dnf).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable

# soname: (apt package, dnf package)
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}


def loads(soname: str) -> bool:
    """True when the dynamic loader finds and loads ``soname`` (as Qt's plugin loader would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_reachable(display: str | None = None) -> bool:
    """True when an X server answers on ``display`` (default $DISPLAY); asks libxcb, as Qt would."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode() if display else None, None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    """True when Qt will pick its X11 (xcb) platform: chosen explicitly, or an X display without Wayland."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_libraries(probe: Callable[[str], bool] | None = None) -> list[str]:
    """The xcb plugin's libraries that the loader cannot find (``probe`` defaults to ``loads``)."""
    probe = probe or loads
    return [soname for soname in XCB_LIBRARIES if not probe(soname)]


def xcb_problem(probe: Callable[[str], bool] | None = None,
                reachable: Callable[[], bool] | None = None) -> str | None:
    """One line saying why Qt's X11 platform cannot start here (missing libraries, no X server), or None."""
    missing = missing_libraries(probe)
    if missing:
        return install_hint(missing)
    if not (reachable or display_reachable)():
        return (f"error: cannot connect to the X display {os.environ.get('DISPLAY', '')!r}: start the studio from "
                "a desktop session (or set DISPLAY to a running X server)")
    return None


def install_hint(missing: Iterable[str]) -> str:
    """One line naming the missing libraries and the apt and dnf commands that install them."""
    missing = list(missing)
    apt = " ".join(dict.fromkeys(XCB_LIBRARIES[s][0] for s in missing))
    dnf = " ".join(dict.fromkeys(XCB_LIBRARIES[s][1] for s in missing))
    return (f"error: the studio window needs system libraries that are missing ({', '.join(missing)}): "
            f"install them with `sudo apt install {apt}` (Debian/Ubuntu) or `sudo dnf install {dnf}` (Fedora)")
