"""Errors a user can act on. `InputError` means: the input was wrong, nothing was changed
(exit status 2 on the command line); it names every problem with where it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (row as the spreadsheet shows it, column) and why."""

    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行 (row {self.row})")
        if self.column:
            where.append(f"列 {self.column}")
        return (", ".join(where) + ": " if where else "") + self.reason

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class InputError(ValueError):
    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None) -> None:
        self.problems = problems or []
        self.source = source
        super().__init__(message)

    def __str__(self) -> str:
        head = self.args[0]
        if self.source:
            head = f"{self.source}: {head}"
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)

    def as_dict(self) -> dict:
        return {"error": self.args[0], "source": self.source, "problems": [p.as_dict() for p in self.problems]}


class PermissionDenied(Exception):
    """The acting user's role does not allow this."""


class NotFound(InputError):
    """A referenced thing (room, receipt, line…) does not exist."""
