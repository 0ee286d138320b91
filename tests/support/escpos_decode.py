"""ESC/POS decoding for tests: the strict decoder in app.printing.escpos_decode (which also
draws the receipt previews), plus helpers that read a receipt the way a person reads the roll.

    tokens = decode(job)                  # [("cmd", "ESC @", ()), ("text", "…"), …]
    printed_lines(tokens)                 # [PrintedLine(text, width_mult, height_mult, bold, align)]
"""

from __future__ import annotations

from dataclasses import dataclass

from app.printing.escpos_decode import EscposDecodeError, Token, commands, decode, qr_payloads, text_of
from app.printing.width import display_width

__all__ = ["EscposDecodeError", "PrintedLine", "Token", "commands", "decode", "index_of", "printed_lines",
           "qr_payloads", "text_of"]


@dataclass(frozen=True)
class PrintedLine:
    text: str
    width_mult: int
    height_mult: int
    bold: bool
    align: int  # 0 left, 1 centre, 2 right

    @property
    def columns(self) -> int:
        """Font-A columns the line occupies on paper."""
        return display_width(self.text) * self.width_mult


def printed_lines(tokens: list[Token]) -> list[PrintedLine]:
    """Each LF-terminated line with the style in force when it was printed."""
    out: list[PrintedLine] = []
    wm = hm = 1
    bold, align = False, 0
    for tok in tokens:
        if tok[0] == "text":
            parts = tok[1].split("\n")
            for part in parts[:-1]:
                out.append(PrintedLine(part, wm, hm, bold, align))
            if parts[-1]:
                out.append(PrintedLine(parts[-1], wm, hm, bold, align))  # unterminated tail
            continue
        name, args = tok[1], tok[2]
        if name == "ESC @":
            wm = hm = 1
            bold, align = False, 0
        elif name == "GS !":
            wm, hm = (args[0] >> 4) + 1, (args[0] & 0x0F) + 1
        elif name == "ESC !":
            wm, hm, bold = (2 if args[0] & 0x20 else 1), (2 if args[0] & 0x10 else 1), bool(args[0] & 0x08)
        elif name == "ESC E":
            bold = bool(args[0] & 1)
        elif name == "ESC a":
            align = args[0] % 48 if args[0] >= 48 else args[0]
    return out


def index_of(tokens: list[Token], name: str) -> int:
    """Position of the first command `name` in the token list (ValueError if absent)."""
    for i, tok in enumerate(tokens):
        if tok[0] == "cmd" and tok[1] == name:
            return i
    raise ValueError(f"no {name} in the job")
