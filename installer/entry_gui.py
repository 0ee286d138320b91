"""Frozen `PropDesk` (windowed): `propdesk [global options] gui [gui options]`.

Double-clicked it has no arguments and opens the window; `PropDesk --db URL --lang en` takes the
global options first, like the CLI. A windowed Windows program has no console: sys.stdout and
sys.stderr are None there, so output goes to propdesk-gui.log in the user data folder instead.
"""

import sys

from app.cli import main

GLOBAL_WITH_VALUE = ("--db", "--terminal", "--user", "--lang")


def gui_argv(argv: list[str]) -> list[str]:
    """Leading global options, then `gui`, then the rest."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_WITH_VALUE and i + 1 < len(argv):
            i += 2
        elif arg.split("=", 1)[0] in GLOBAL_WITH_VALUE or arg == "--password-stdin":
            i += 1
        else:
            break
    rest = argv[i:]
    if rest[:1] == ["gui"]:
        rest = rest[1:]
    return [*argv[:i], "gui", *rest]


def _log_when_no_console() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    from pathlib import Path

    import platformdirs

    log_dir = Path(platformdirs.user_data_dir("PropDesk", appauthor=False))
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / "propdesk-gui.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (process-long)
    sys.stdout = sys.stdout or log
    sys.stderr = sys.stderr or log


if __name__ == "__main__":
    _log_when_no_console()
    sys.exit(main(gui_argv(sys.argv[1:])))
