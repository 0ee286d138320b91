"""Frozen `propdesk` (console): the same command line as the installed Python package."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
