"""PyInstaller runtime hook: runs in the frozen app before any of our code.

- libzbar: pyzbar looks for it with ctypes.util.find_library("zbar"), which searches the
  system (ldconfig), never the app folder. On Linux the build bundles libzbar.so.0; point
  the lookup at that copy. (On Windows pyzbar loads the DLLs from its own folder, which the
  build keeps.)
- Qt: the bundled plugins (xcb, offscreen, wayland) are found by PySide6's own hook.
"""

import ctypes.util
import os
import sys

_base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
_zbar = os.path.join(_base, "libzbar.so.0")
if os.path.exists(_zbar):
    _find_library = ctypes.util.find_library

    def _find_bundled(name: str):  # type: ignore[no-untyped-def]
        return _zbar if name == "zbar" else _find_library(name)

    ctypes.util.find_library = _find_bundled
