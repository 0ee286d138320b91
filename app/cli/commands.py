"""Registers every command module."""

from app.cli import cmd_billing, cmd_cashier, cmd_documents, cmd_gateway, cmd_import, cmd_init  # noqa: F401
from app.cli import cmd_central  # noqa: F401
from app.cli import cmd_readings  # noqa: F401
from app.cli import cmd_refunds  # noqa: F401
from app.cli import cmd_closing  # noqa: F401
from app.cli import cmd_collect, cmd_reports  # noqa: F401
from app.cli import cmd_audit, cmd_backup  # noqa: F401
from app.cli import cmd_users  # noqa: F401
