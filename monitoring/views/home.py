"""The start page: sends each role to its own workplace."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.login"))
