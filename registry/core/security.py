"""Request hardening shared by every page and the API: proxy trust, NUL refusal, security headers, login throttle."""
import hashlib

from flask import Flask, abort, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from registry.core.errors import DomainError
from registry.extensions import limiter

#: No inline script or style anywhere (templates carry none); nothing may frame the app.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
THROTTLED = "Слишком много неудачных попыток входа. Подождите несколько минут и повторите."
#: The login routes read an e-mail and a password: a body larger than this is refused (413) before it is parsed.
AUTH_MAX_BODY = 16 * 1024
AUTH_ENDPOINTS = frozenset({"auth.login", "auth_api.token"})


class NulInRequest(DomainError):
    status = 400
    code = "bad_request"


class TrustedProxy:
    """werkzeug's ProxyFix, used only when TRUST_PROXY names how many proxies stand in front of the app.

    Without it X-Forwarded-For/-Proto are ignored: any client could otherwise pick its own address (and so
    escape the login throttle) or claim https.
    """

    def __init__(self, app: Flask):
        self.config = app.config
        self.direct = app.wsgi_app
        self.fixed: dict[int, ProxyFix] = {}

    def __call__(self, environ, start_response):
        proxies = int(self.config.get("TRUST_PROXY") or 0)
        if not proxies:
            return self.direct(environ, start_response)
        if proxies not in self.fixed:
            self.fixed[proxies] = ProxyFix(self.direct, x_for=proxies, x_proto=proxies)
        return self.fixed[proxies](environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = TrustedProxy(app)
    # first of all (before CSRFProtect's check and the NUL check, which parse the form)
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_auth_body)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)


def _limit_auth_body():
    """The login routes get a body limit of their own (AUTH_MAX_BODY), far below the upload limit."""
    if request.endpoint not in AUTH_ENDPOINTS or request.method != "POST":
        return
    request.max_content_length = AUTH_MAX_BODY  # also bounds a chunked body without Content-Length
    if (request.content_length or 0) > AUTH_MAX_BODY:
        abort(413)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul():
    """PostgreSQL cannot store NUL in text: refuse it at the door instead of failing in the driver."""
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += [*request.form.keys(), *request.form.values()]
    if _has_nul(texts) or (request.is_json and _json_may_hold_nul() and _has_nul(request.get_json(silent=True))):
        raise NulInRequest("Запрос содержит недопустимый символ NUL (\\0).")


def _json_may_hold_nul() -> bool:
    """Whether a JSON body can decode to a NUL at all: in UTF-8 only through the escape \\u0000 (JSON allows no raw
    control character in a string). A body with a zero byte (UTF-16/32, or raw) is walked as well. The body is
    read once (cached for the view); the walk of every value is skipped for the usual body without either."""
    body = request.get_data(cache=True)
    return b"\\u0000" in body or b"\x00" in body


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:  # over plain http the header is meaningless and would pin a dev host to https
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def account_key(email: str) -> str:
    """The per-account throttle key: a fixed-size hash of the normalised e-mail, never the e-mail itself (a client
    sending huge distinct e-mails must not grow the counters' store, and the store holds no addresses)."""
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _login_email() -> str:
    email = request.form.get("email") if request.form else (request.get_json(silent=True) or {}).get("email")
    return account_key(email if isinstance(email, str) else "")


def clear_login_throttle(email: str) -> None:
    """Forget the failed logins counted against one account (an administrator unlocks it); the per-address
    counters stay."""
    for item in parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        limiter.limiter.clear(item, account_key(email), "login-account")


def _failed(response) -> bool:
    return response.status_code == 401  # only refused logins count: a user who signs in is never slowed


def throttle_login(view):
    """Limit failed logins per account and per client address, counted together for the web form and the API."""
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], "login-account",
                                key_func=_login_email, methods=["POST"], deduct_when=_failed,
                                error_message=THROTTLED)(view)
    return limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], "login-address",
                                key_func=get_remote_address, methods=["POST"], deduct_when=_failed,
                                error_message=THROTTLED)(view)
