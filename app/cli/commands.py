"""Registers every command module."""

from app.cli import cmd_init  # noqa: F401
