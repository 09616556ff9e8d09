"""Application factory: the one place that knows every package."""
import importlib
import logging

from flask import Flask

from registry import config as cfg
from registry.core import private_files
from registry.core.json_answers import OrjsonProvider
from registry.core.transaction import RegistryFlask
from registry.extensions import api, babel, csrf, db, limiter, login_manager, migrate
from surveys import questionnaires

#: Modules holding a web blueprint `bp`.
WEB_MODULES = (
    "registry.auth.views",
    "registry.auth.admin_views",
    "registry.auth.account_views",
    "hierarchy.views",
    "registry.imports.views",
    "monitoring.views.home",
    "monitoring.views.campaigns",
    "monitoring.views.submissions",
    "monitoring.views.reports",
    "monitoring.views.membership",
    "monitoring.views.review",
    "monitoring.views.region",
    "monitoring.plans.views",
    "monitoring.plans.import_views",
    "monitoring.campaign_calendar.views",
    "registry.notify.views",
    "exports.views",
    "exports.sets_views",
    "registry.public.views",
    "registry.public.identity",
    "registry.mentoring.views.people",
    "registry.mentoring.views.consents",
    "registry.mentoring.views.pairs",
    "registry.mentoring.views.partners",
    "registry.mentoring.views.partner_review",
    "registry.mentoring.views.practices",
    "registry.mentoring.views.imports",
    "registry.mentoring.views.registry",
    "surveys.views",
    "surveys.answer_views",
    "registry.documents.views",
    "registry.programmes.views",
    "registry.auth.link_views",
    "registry.mentors.views",
    "registry.mentors.review_views",
)
#: Modules holding a flask-smorest blueprint `api_bp` under /api/v1.
API_MODULES = (
    "registry.auth.api",
    "monitoring.api.campaigns",
    "monitoring.api.submissions",
    "monitoring.api.reports",
    "monitoring.api.deadline_extensions",
    "monitoring.plans.api",
    "exports.api",
    "registry.public.api",
    "registry.mentoring.api",
    "registry.mentoring.registry_api",
    "surveys.api",
)
#: Modules holding a click group `cli`.
CLI_MODULES = (
    "registry.auth.cli",
    "hierarchy.cli",
    "registry.demo.cli",
    "scheduler.cli",
    "registry.mentoring.cli",
    "registry.ops.cli",
)


def create_app(config: type[cfg.BaseConfig] | None = None, **overrides) -> Flask:
    app = RegistryFlask("registry", template_folder=str(cfg.PROJECT_ROOT / "templates"),
                        static_folder=str(cfg.PROJECT_ROOT / "registry" / "static"),
                        instance_path=str(cfg.INSTANCE_DIR))
    app.json = OrjsonProvider(app)
    app.config.from_object(config or cfg.BaseConfig)
    app.config.update(overrides)  # explicit arguments win (tests)
    cfg.finalize(app.config)
    private_files.prepare_sqlite(app.config["SQLALCHEMY_DATABASE_URI"])
    logging.basicConfig(level=logging.INFO)

    _import_models()
    questionnaires.load_all()  # a broken questionnaire file refuses to start, naming the file and the field
    db.init_app(app)
    migrate.init_app(app, db, directory=str(cfg.PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app)
    api.init_app(app)
    limiter.init_app(app)

    from hierarchy.queries import unit_name, user_timezone
    from registry import navigation
    from registry.auth import sessions  # registers the Flask-Login loaders
    from registry.core import api_errors, security, web

    sessions.init_app(app)
    security.init_app(app)
    web.init_app(app, viewer_timezone=user_timezone, unit_name=unit_name)
    api_errors.init_app(app)
    navigation.init_app(app)
    for name in WEB_MODULES:
        app.register_blueprint(importlib.import_module(name).bp)
    for name in API_MODULES:
        blueprint = importlib.import_module(name).api_bp
        csrf.exempt(blueprint)  # the API authenticates with bearer tokens, not cookies
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    for name in CLI_MODULES:
        app.cli.add_command(importlib.import_module(name).cli)
    return app


def _import_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    for name in ("registry.core.audit", "registry.auth.models", "hierarchy.models", "deadlines.models",
                 "monitoring.models", "monitoring.plans.models", "scheduler.ledger", "deadlines.feeds",
                 "registry.notify.models", "registry.mentoring.models", "registry.documents.models",
                 "registry.programmes.models", "exports.models", "registry.imports.models", "surveys.models",
                 "registry.mentors.models"):
        importlib.import_module(name)
