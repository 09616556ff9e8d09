"""Domain errors: raised by services before they change anything, rendered by views and the API."""


class DomainError(Exception):
    """A refused use-case. `status` is the HTTP answer the API gives for it."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class VersionConflict(DomainError):
    status = 409
    code = "version_conflict"

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        #: The current state, so the loser of a race can see what won (nothing silently dropped).
        self.current = current


class WindowClosed(DomainError):
    status = 423
    code = "window_closed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = "Недостаточно прав для этого действия."):
        super().__init__(message)
