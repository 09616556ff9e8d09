"""Argon2id password hashing (argon2-cffi), at OWASP's minimum cost or above."""
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

#: 19 MiB memory, 2 iterations, 1 lane: the OWASP ASVS 5.0 minimum for Argon2id.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


#: Password rules (ASVS 6.2): long enough, not absurdly long (hashing cost), not the login itself.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password, in Russian; an empty list when it follows the rules."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов."]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Пароль должен быть не длиннее {MAX_PASSWORD_LENGTH} символов."]
    if email and password.strip().lower() == email.strip().lower():
        return ["Пароль не должен совпадать с адресом электронной почты."]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
