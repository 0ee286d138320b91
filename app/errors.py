"""Errors a user can act on, as codes and parameters.

Services never write sentences for people: they raise an error with a message code
(`pay.line_taken`) and the facts it needs (`line=…`). `app.messages` turns codes into
Chinese or English in one place, for the CLI and the GUI alike (DESIGN.md "Messages are
codes"). `InputError` means: the input was wrong, nothing was changed (exit status 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Msg:
    """A message not yet in words: a code and its parameters. A parameter may itself be a
    `Msg` (a reason inside a sentence); it is rendered in the same language."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **params: Any) -> "Msg":
        return cls(code, params)

    def __str__(self) -> str:
        from app.messages import render

        return render(self, "zh")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (row as the spreadsheet shows it, column) and
    why (`reason`: a message code, with `params`)."""

    reason: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, *, row: int | None = None, column: str | None = None, **params: Any) -> "Problem":
        return cls(code, row, column, params)

    @property
    def msg(self) -> Msg:
        return Msg(self.reason, self.params)

    def text(self, lang: str = "zh") -> str:
        from app.messages import problem_text

        return problem_text(self, lang)

    def __str__(self) -> str:
        return self.text("zh")

    def as_dict(self) -> dict:
        from app.messages import render

        return {"row": self.row, "column": self.column, "code": self.reason,
                "reason": render(self.msg, "zh"), "reason_en": render(self.msg, "en")}


class AppError(Exception):
    """A failure with a message code. `exit_status` is what the CLI exits with."""

    exit_status = 1

    def __init__(self, code: str, problems: list[Problem] | None = None, source: str | None = None,
                 **params: Any) -> None:
        self.code = code
        self.params = params
        self.problems = problems or []
        self.source = source
        super().__init__(code)

    @property
    def msg(self) -> Msg:
        return Msg(self.code, self.params)

    def text(self, lang: str = "zh") -> str:
        from app.messages import error_text

        return error_text(self, lang)

    def __str__(self) -> str:
        return self.text("zh")

    def as_dict(self) -> dict:
        from app.messages import render

        return {"error": self.code, "message": render(self.msg, "zh"), "message_en": render(self.msg, "en"),
                "params": {k: (str(v) if isinstance(v, Msg) else v) for k, v in self.params.items()},
                "source": self.source, "problems": [p.as_dict() for p in self.problems]}


class InputError(AppError, ValueError):
    """The input was wrong; nothing was changed."""

    exit_status = 2


class NotFound(InputError):
    """A referenced thing (room, receipt, line…) does not exist."""


class Conflict(InputError):
    """Another counter got there first (a lost race); nothing was changed, try again."""


class PermissionDenied(AppError):
    """The acting user's role does not allow this."""

    exit_status = 2
