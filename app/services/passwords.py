"""Password hashes: argon2id (RFC 9106) through argon2-cffi; old scrypt hashes still verify and
are replaced at the next sign-in (users._count_success).

Parameters (docs/permissions.md, "Passwords"): argon2id, memory 19 MiB (19456 KiB), 2 passes,
1 lane, 16-byte salt, 32-byte tag — OWASP's recommended minimum for argon2id, about 30 ms on
a counter PC, so a sign-in does not keep the cashier waiting and a stolen database costs an
attacker 19 MiB and 30 ms per guess per core. Old hashes: `scrypt$<salt hex>$<digest hex>` with
N=2^14, r=8, p=1 (what wave 1 stored).
"""

from __future__ import annotations

import hashlib
import hmac

try:  # argon2-cffi (pyproject). Without it a counter could not sign anyone in; scrypt instead.
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
    from argon2.low_level import Type

    _HASHER: PasswordHasher | None = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1,
                                                    hash_len=32, salt_len=16, type=Type.ID)
except ImportError:  # pragma: no cover — the product requires argon2-cffi; this keeps sign-in working
    _HASHER = None

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    if _HASHER is not None:
        return _HASHER.hash(password)
    return _scrypt_hash(password)


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    if stored.startswith("$argon2"):
        if _HASHER is None:
            return False
        try:
            return _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    if stored.startswith("scrypt$"):
        try:
            _, salt_hex, digest_hex = stored.split("$")
            salt = bytes.fromhex(salt_hex)
        except ValueError:
            return False
        digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        return hmac.compare_digest(digest.hex(), digest_hex)
    return False


def needs_rehash(stored: str | None) -> bool:
    """An old scheme (scrypt) or argon2 with other parameters than today's."""
    if not stored or _HASHER is None:
        return False
    if not stored.startswith("$argon2"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def _scrypt_hash(password: str) -> str:
    import os

    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


# Checked for an unknown user name, so a refusal takes the same time whether the name exists.
DUMMY_HASH = hash_password("not a password: the dummy for unknown user names")
