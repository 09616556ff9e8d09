"""Per-address limits on what anyone may call without signing in, and on minting API tokens (Flask-Limiter).

The counters live where the login throttle's do (RATELIMIT_STORAGE_URL), so several instances share them. Each
limit is a setting in Flask-Limiter notation, read on every request; over it, a 429 in Russian (the JSON error
format on the API) with Retry-After.
"""
from flask import current_app
from flask_limiter.util import get_remote_address

from registry.extensions import limiter

TOO_MANY = "Слишком много запросов с вашего адреса. Подождите немного и повторите."


def by_address(setting: str, scope: str, **options):
    """A decorator (for a view or a whole blueprint): at most config[setting] requests per client address, counted
    together for everything that shares the scope."""
    return limiter.shared_limit(lambda: current_app.config[setting], scope, key_func=get_remote_address,
                                error_message=TOO_MANY, **options)
