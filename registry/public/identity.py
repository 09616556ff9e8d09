"""The region's visual identity from configuration: its name, emblem and the operator's contacts on every page."""
from pathlib import Path

from flask import Blueprint, current_app, send_file

from registry.config import EMBLEM_TYPES

bp = Blueprint("identity", __name__)
#: Browsers may keep the emblem for a day; a new file under the same setting shows after that at the latest.
EMBLEM_MAX_AGE = 24 * 3600


@bp.get("/emblem")
def emblem():
    """The configured emblem file (checked at startup: an .svg or .png that exists)."""
    path = Path(current_app.config["REGION_EMBLEM"])
    return send_file(path, mimetype=EMBLEM_TYPES[path.suffix.lower()], max_age=EMBLEM_MAX_AGE)


@bp.app_context_processor
def _identity():
    config = current_app.config
    contacts = [(label, config.get(key) or "") for label, key in (
        ("Телефон", "OPERATOR_PHONE"), ("Электронная почта", "OPERATOR_EMAIL"), ("Адрес", "OPERATOR_ADDRESS"))]
    return {"identity": {"region": config.get("REGION_TITLE") or "", "operator": config.get("OPERATOR_NAME") or "",
                         "contacts": [(label, value) for label, value in contacts if value]}}
