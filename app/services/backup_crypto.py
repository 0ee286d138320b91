"""The encrypted backup file format (docs/security.md "Backups"), streamed in and out.

    header  = b"PDBACKUP" | version u8 (1) | kdf u8 (1 = scrypt) | log2(N) u8 | r u8 | p u8
              | salt 16 bytes | nonce prefix 8 bytes | chunk size u32 big-endian
    body    = chunk*, each: ciphertext length u32 big-endian | AES-256-GCM ciphertext+tag

The key is scrypt(passphrase UTF-8, salt, N=2^15, r=8, p=1, 32 bytes). Chunk i (from 0) is
sealed with nonce = prefix | i as u32 big-endian, and authenticated data = the header | i |
a last-chunk flag byte. So a chunk cannot be moved, dropped, or the file cut short unnoticed:
the last chunk (possibly empty) is flagged, and a file that ends before one is damaged.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.errors import InputError

MAGIC = b"PDBACKUP"
VERSION = 1
KDF_SCRYPT = 1
LOG2_N, R, P = 15, 8, 1
CHUNK = 1 << 20
_HEAD = struct.Struct(">8sBBBBB16s8sI")
HEADER_SIZE = _HEAD.size
MAX_CHUNK = 64 << 20  # a larger length field is damage, not a chunk


def is_encrypted(path: str | os.PathLike) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(header: bytes, i: int, last: bool) -> bytes:
    return header + struct.pack(">IB", i, 1 if last else 0)


def encrypt(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    if not passphrase:
        raise InputError("backup.passphrase_required")
    salt, prefix = os.urandom(16), os.urandom(8)
    header = _HEAD.pack(MAGIC, VERSION, KDF_SCRYPT, LOG2_N, R, P, salt, prefix, CHUNK)
    aes = AESGCM(_key(passphrase, salt, LOG2_N, R, P))
    dst.write(header)
    i, block = 0, src.read(CHUNK)
    while True:
        nxt = src.read(CHUNK) if len(block) == CHUNK else b""
        last = not nxt
        sealed = aes.encrypt(prefix + struct.pack(">I", i), block, _aad(header, i, last))
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        i, block = i + 1, nxt


def decrypt(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    """InputError backup.wrong_passphrase / backup.damaged; nothing trustworthy is left in dst
    unless it returns."""
    if not passphrase:
        raise InputError("backup.no_passphrase")
    header = src.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        raise InputError("backup.damaged", why="header")
    magic, version, kdf, log2_n, r, p, salt, prefix, chunk = _HEAD.unpack(header)
    if magic != MAGIC or version != VERSION or kdf != KDF_SCRYPT:
        raise InputError("backup.damaged", why="header")
    if not (10 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4 and 0 < chunk <= MAX_CHUNK):
        raise InputError("backup.damaged", why="parameters")
    aes = AESGCM(_key(passphrase, salt, log2_n, r, p))
    i = 0
    while True:
        raw_len = src.read(4)
        if len(raw_len) < 4:
            raise InputError("backup.damaged", why="truncated")
        (n,) = struct.unpack(">I", raw_len)
        if n < 16 or n > chunk + 16:
            raise InputError("backup.damaged", why="chunk length")
        sealed = src.read(n)
        if len(sealed) < n:
            raise InputError("backup.damaged", why="truncated")
        nonce = prefix + struct.pack(">I", i)
        for last in (False, True):
            try:
                block = aes.decrypt(nonce, sealed, _aad(header, i, last))
                break
            except InvalidTag:
                continue
        else:
            raise InputError("backup.wrong_passphrase" if i == 0 else "backup.damaged",
                             **({} if i == 0 else {"why": f"chunk {i}"}))
        dst.write(block)
        if last:
            if src.read(1):
                raise InputError("backup.damaged", why="data after the end")
            return
        i += 1
