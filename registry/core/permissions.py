"""`require(predicate)`: the one way views turn a permission check into a refusal."""
from registry.core.errors import PermissionDenied


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message) if message else PermissionDenied()
