"""Argon2id password hashing (argon2-cffi), at OWASP's minimum cost or above."""
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

#: 19 MiB memory, 2 iterations, 1 lane: the OWASP ASVS 5.0 minimum for Argon2id.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
