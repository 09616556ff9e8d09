"""Configuration from the environment (twelve-factor); secrets never live in code."""
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
#: The demo's neutral emblem (REGION_EMBLEM's default).
DEMO_EMBLEM = PROJECT_ROOT / "registry" / "static" / "emblem.svg"
#: Emblem files the header can show, by suffix.
EMBLEM_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}

load_dotenv(PROJECT_ROOT / ".env")


def _default_secret_key() -> str:
    """Return a per-instance generated key, so the demo works without configuration."""
    INSTANCE_DIR.mkdir(mode=0o700, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class BaseConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'registry.sqlite3'}"
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # uploads: hierarchy files are small; refuse anything larger
    SESSION_COOKIE_HTTPONLY = True
    #: Secure cookie: unset — on https requests (as told by TRUST_PROXY proxies); "1"/"0" — always/never.
    SESSION_COOKIE_SECURE = (os.environ["SESSION_COOKIE_SECURE"].lower() in {"1", "true", "yes"}
                             if os.environ.get("SESSION_COOKIE_SECURE") else None)
    #: A web session ends after this many minutes without a request, and this many hours after login (ASVS 3.3).
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_LIFETIME_HOURS = float(os.environ.get("SESSION_LIFETIME_HOURS", "12"))
    #: An API token stops working this many days after it was issued (ASVS 3.4).
    API_TOKEN_LIFETIME_DAYS = float(os.environ.get("API_TOKEN_LIFETIME_DAYS", "30"))
    #: A "set your password" link (a mentor's invitation, an administrator's reset) works once, for this many hours.
    PASSWORD_LINK_LIFETIME_HOURS = float(os.environ.get("PASSWORD_LINK_LIFETIME_HOURS", "72"))
    #: Mentors are reminded this many days before a quarter ends to send its report.
    MENTOR_REPORT_REMINDER_DAYS = int(os.environ.get("MENTOR_REPORT_REMINDER_DAYS", "7"))
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a curator may keep the form open for hours during the deadline week
    API_TITLE = "Региональный реестр наставничества"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_TLS = os.environ.get("SMTP_TLS", "").lower() in {"1", "true", "yes"}
    MAIL_FROM = os.environ.get("MAIL_FROM", "registry@localhost")
    #: Login throttle counters: memory:// (one process) or a shared store such as redis://host:6379/0.
    RATELIMIT_STORAGE_URL = os.environ.get("RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # a shared store that is down must not stop every login
    #: Failed logins allowed per account and per client address (Flask-Limiter notation).
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 20 per hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute; 200 per hour")
    #: Requests per client address (any outcome) to the public API, the public registry's pages and searches, its
    #: open-data downloads, and POST /api/v1/auth/token.
    PUBLIC_API_LIMIT = os.environ.get("PUBLIC_API_LIMIT", "60 per minute; 1000 per hour")
    PUBLIC_PAGES_LIMIT = os.environ.get("PUBLIC_PAGES_LIMIT", "60 per minute; 1000 per hour")
    OPEN_DATA_LIMIT = os.environ.get("OPEN_DATA_LIMIT", "10 per minute; 100 per hour")
    TOKEN_LIMIT_PER_ADDRESS = os.environ.get("TOKEN_LIMIT_PER_ADDRESS", "10 per minute; 100 per hour")
    #: Survey answers accepted per client address (web page and API together), in the login throttle's storage.
    SURVEY_ANSWER_LIMIT_PER_ADDRESS = os.environ.get("SURVEY_ANSWER_LIMIT_PER_ADDRESS", "30 per minute; 300 per hour")
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    TRUST_PROXY = int(os.environ.get("TRUST_PROXY", "0"))
    #: Absolute links in e-mails and the calendar feed point here.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    #: Reminders go this many days before each deadline to units that have not submitted.
    REMINDER_OFFSETS_DAYS = tuple(int(d) for d in os.environ.get("REMINDER_OFFSETS_DAYS", "14,7,3,1").split(",") if d)
    #: Local hour at which reminders (on their day) and escalation digests (the morning after) go out.
    NOTIFY_LOCAL_HOUR = int(os.environ.get("NOTIFY_LOCAL_HOUR", "9"))
    #: Escalations and automatic snapshots missed by more than this (scheduler down) are skipped, not sent late.
    SCHEDULER_CATCHUP_DAYS = int(os.environ.get("SCHEDULER_CATCHUP_DAYS", "7"))
    #: How often the scheduler runs every job; how often it renews (or tries to take) leadership; lease length.
    SCHEDULER_INTERVAL_SECONDS = float(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "300"))
    SCHEDULER_HEARTBEAT_SECONDS = float(os.environ.get("SCHEDULER_HEARTBEAT_SECONDS", "30"))
    SCHEDULER_LEASE_SECONDS = float(os.environ.get("SCHEDULER_LEASE_SECONDS", "90"))
    #: How often the scheduler process looks for queued imports and archives (a web request only queues them).
    QUEUE_POLL_SECONDS = float(os.environ.get("QUEUE_POLL_SECONDS", "2"))
    #: Where the scheduler stores the federal forms built from frozen snapshots (PRODUCT.md §5).
    EXPORTS_DIR = os.environ.get("EXPORTS_DIR") or str(INSTANCE_DIR / "exports")
    #: Where organizations' uploaded documents live (default: `documents` beside EXPORTS_DIR); files 0600.
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR") or None
    #: Largest organization document accepted (bytes).
    DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(8 * 1024 * 1024)))
    #: Seconds one scheduler run may spend building stored forms before leaving the rest to the next run
    #: (unset: build everything; a long run delays the SQLite scheduler lease's renewal).
    FORM_BUILD_BUDGET_SECONDS = float(os.environ["FORM_BUILD_BUDGET_SECONDS"]) if os.environ.get(
        "FORM_BUILD_BUDGET_SECONDS") else None
    #: Directory of pg_dump/pg_restore for `flask backup`; by default those of the server's version are looked up.
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR") or None
    #: Import and export-archive jobs one user may have queued or running at once.
    MAX_ACTIVE_JOBS_PER_USER = int(os.environ.get("MAX_ACTIVE_JOBS_PER_USER", "2"))
    #: Ended import and export-archive jobs (with their files) are deleted by the scheduler after this many days.
    JOB_RETENTION_DAYS = int(os.environ.get("JOB_RETENTION_DAYS", "30"))
    #: SQLite: how long a writer waits for another's write lock before failing (the driver's default is 5 s).
    SQLITE_BUSY_TIMEOUT_SECONDS = float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "30"))
    #: The region's name in the page header and on the public home page.
    REGION_TITLE = os.environ.get("REGION_TITLE", "Хабаровский край")
    #: The emblem in the header: a path to an SVG or PNG file (the demo's is a neutral drawing, not a state symbol).
    REGION_EMBLEM = os.environ.get("REGION_EMBLEM") or str(DEMO_EMBLEM)
    #: The operator's contacts in every page's footer (empty ones are left out).
    OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "Региональный центр наставничества (демонстрационный)")
    OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "mentoring@example.ru")
    OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "+7 (4212) 00-00-00")
    OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "г. Хабаровск")


class TestConfig(BaseConfig):
    TESTING = True
    #: Tests crawl the public pages and mint tokens far more often than a visitor; the limits' own tests set theirs.
    PUBLIC_API_LIMIT = PUBLIC_PAGES_LIMIT = OPEN_DATA_LIMIT = TOKEN_LIMIT_PER_ADDRESS = "100000 per minute"  # noqa: S105
    SECRET_KEY = "test-secret-key"  # noqa: S105 - fixed key for the test run only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")


def finalize(config: dict) -> None:
    """Fill derived settings once the config is assembled."""
    if not config.get("SECRET_KEY"):
        if os.environ.get("FLASK_ENV") == "production" or os.environ.get("REGISTRY_ENV") == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        config["SECRET_KEY"] = _default_secret_key()
    config["SQLALCHEMY_DATABASE_URI"] = database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault(
            "timeout", config.get("SQLITE_BUSY_TIMEOUT_SECONDS", BaseConfig.SQLITE_BUSY_TIMEOUT_SECONDS))
    elif config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg2"):
        # psycopg2's executemany sends one statement per row: the ORM's UPDATE of a saved submission's ~20 values
        # took 20 round trips; execute_batch sends them in one (INSERTs keep SQLAlchemy's multi-row VALUES)
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("executemany_mode", "values_plus_batch")
    if int(config.get("JOB_RETENTION_DAYS", 30)) < 1:
        raise RuntimeError("JOB_RETENTION_DAYS must be at least 1")
    check_emblem(config)
    config.setdefault("RATELIMIT_STORAGE_URI", config["RATELIMIT_STORAGE_URL"])  # Flask-Limiter's own name


def check_emblem(config: dict) -> None:
    """Refuse to start when REGION_EMBLEM names no readable SVG/PNG file (the header would show a broken image)."""
    config.setdefault("REGION_EMBLEM", str(DEMO_EMBLEM))  # a config assembled by hand (tests) gets the demo's
    path = Path(config["REGION_EMBLEM"] or "")
    if not str(config["REGION_EMBLEM"] or "").strip():
        raise RuntimeError("REGION_EMBLEM is empty: set it to the path of the region's emblem (an .svg or .png file)")
    if path.suffix.lower() not in EMBLEM_TYPES:
        raise RuntimeError(f"REGION_EMBLEM={path}: the emblem must be an .svg or .png file")
    if not path.is_file():
        raise RuntimeError(f"REGION_EMBLEM={path}: no such file; set REGION_EMBLEM to the path of the region's emblem")
    config["REGION_EMBLEM"] = str(path.resolve())


def database_url(uri: str) -> str:
    """Accept postgres:// and postgresql:// URLs; the driver we ship is psycopg2 (SQLAlchemy 2.1 assumes psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg2://" + uri.removeprefix(prefix)
    return uri
