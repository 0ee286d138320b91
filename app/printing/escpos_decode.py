"""Reads an ESC/POS byte stream back into tokens — the subset PropDesk emits, strictly.

    ("text", "收款收据\n")          text between commands, decoded as GB18030 or UTF-8
    ("cmd", "ESC a", (1,))          a command and its arguments
    ("cmd", "GS ( k", ("store", "PD1|…"))   2D code functions by name: model/size/ec/store/print
    ("cmd", "GS v 0", (m, width_bytes, height, raster_bytes))

Anything else — an unknown command, a stray control byte, text that does not decode — raises
`EscposDecodeError`: the tests use this as their oracle, and the receipt preview draws from
it, so both see exactly the bytes a printer would get.
"""

from __future__ import annotations

ESC, GS, FS, DLE, LF, CR = 0x1B, 0x1D, 0x1C, 0x10, 0x0A, 0x0D

Token = tuple


class EscposDecodeError(ValueError):
    pass


# command byte after the prefix -> (name, number of single-byte arguments)
_SIMPLE: dict[int, dict[int, tuple[str, int]]] = {
    ESC: {
        0x40: ("ESC @", 0),  # initialise
        0x61: ("ESC a", 1),  # justification
        0x45: ("ESC E", 1),  # emphasis
        0x21: ("ESC !", 1),  # print mode (ASCII font size/emphasis)
        0x64: ("ESC d", 1),  # print and feed n lines
        0x4D: ("ESC M", 1),  # font
        0x2D: ("ESC -", 1),  # underline
        0x70: ("ESC p", 3),  # drawer kick: pin, on time, off time
        0x32: ("ESC 2", 0),  # default line spacing
        0x33: ("ESC 3", 1),  # line spacing
    },
    GS: {
        0x21: ("GS !", 1),  # character size, hanzi and ASCII alike
        0x42: ("GS B", 1),  # reverse (white on black)
    },
    FS: {
        0x26: ("FS &", 0),  # Chinese (kanji) mode on
        0x2E: ("FS .", 0),  # Chinese mode off
        0x21: ("FS !", 1),  # hanzi print mode
    },
    DLE: {
        0x04: ("DLE EOT", 1),  # real-time status request
    },
}

_QR_FUNCS = {65: "model", 67: "size", 69: "ec", 80: "store", 81: "print"}
_QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


def _need(data: bytes, i: int, n: int, what: str) -> None:
    if i + n > len(data):
        raise EscposDecodeError(f"{what} at byte {i} is cut short ({len(data) - i} of {n} bytes)")


def _gs_paren_k(data: bytes, i: int) -> tuple[Token, int]:
    _need(data, i, 5, "GS ( k")
    length = data[i + 3] | data[i + 4] << 8
    _need(data, i + 5, length, "GS ( k data")
    body = data[i + 5:i + 5 + length]
    cn, fn, rest = body[0], body[1], body[2:]
    if cn != 0x31:
        raise EscposDecodeError(f"GS ( k for symbol type {cn:#x}: only QR (0x31) is expected")
    name = _QR_FUNCS.get(fn)
    if name is None:
        raise EscposDecodeError(f"GS ( k QR function {fn} is unknown")
    value: object
    if name == "model":
        value = rest[0] - 48
    elif name == "size":
        value = rest[0]
    elif name == "ec":
        value = _QR_EC[rest[0]]
    elif name == "store":
        value = rest[1:].decode("utf-8")  # rest[0] is m = '0'
    else:
        value = None
    return ("cmd", "GS ( k", (name, value)), i + 5 + length


def _gs_v0(data: bytes, i: int) -> tuple[Token, int]:
    _need(data, i, 8, "GS v 0")
    m = data[i + 3]
    xb = data[i + 4] | data[i + 5] << 8
    h = data[i + 6] | data[i + 7] << 8
    _need(data, i + 8, xb * h, "GS v 0 raster")
    raster = bytes(data[i + 8:i + 8 + xb * h])
    return ("cmd", "GS v 0", (m, xb, h, raster)), i + 8 + xb * h


def _gs_cut(data: bytes, i: int) -> tuple[Token, int]:
    _need(data, i, 3, "GS V")
    m = data[i + 2]
    if m in (65, 66):  # feed n then cut
        _need(data, i, 4, "GS V")
        return ("cmd", "GS V", (m, data[i + 3])), i + 4
    return ("cmd", "GS V", (m,)), i + 3


def decode(data: bytes, encoding: str = "gb18030") -> list[Token]:
    tokens: list[Token] = []
    text = bytearray()

    def flush() -> None:
        if text:
            try:
                tokens.append(("text", text.decode(encoding)))
            except UnicodeDecodeError as e:
                raise EscposDecodeError(f"text does not decode as {encoding}: {e}") from None
            text.clear()

    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b >= 0x20 or b in (LF, CR):
            text.append(b)
            i += 1
            continue
        flush()
        _need(data, i, 2, f"command {b:#04x}")
        c = data[i + 1]
        if b == GS and c == 0x28 and i + 2 < n and data[i + 2] == 0x6B:
            tok, i = _gs_paren_k(data, i)
        elif b == GS and c == 0x76 and i + 2 < n and data[i + 2] == 0x30:
            tok, i = _gs_v0(data, i)
        elif b == GS and c == 0x56:
            tok, i = _gs_cut(data, i)
        elif b in _SIMPLE and c in _SIMPLE[b]:
            name, argc = _SIMPLE[b][c]
            _need(data, i, 2 + argc, name)
            tok = ("cmd", name, tuple(data[i + 2:i + 2 + argc]))
            i += 2 + argc
        else:
            raise EscposDecodeError(f"unknown command {data[i:i + 3]!r} at byte {i}")
        tokens.append(tok)
    flush()
    return tokens


def text_of(tokens: list[Token]) -> str:
    """All printed text joined: what a person reads off the roll."""
    return "".join(t[1] for t in tokens if t[0] == "text")


def commands(tokens: list[Token], name: str | None = None) -> list[Token]:
    return [t for t in tokens if t[0] == "cmd" and (name is None or t[1] == name)]


def qr_payloads(tokens: list[Token]) -> list[str]:
    return [t[2][1] for t in commands(tokens, "GS ( k") if t[2][0] == "store"]
