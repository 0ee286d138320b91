"""Registers every command module."""

from app.cli import cmd_billing, cmd_init  # noqa: F401
