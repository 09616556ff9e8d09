"""Login and logout pages."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from registry.auth import services
from registry.auth.models import MAX_EMAIL_LENGTH
from registry.auth.sessions import start_session
from registry.core.security import throttle_login

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only same-site relative targets, so the login page is no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@throttle_login
def login():
    if request.method == "POST":
        email = request.form.get("email", "")
        if len(email) > MAX_EMAIL_LENGTH:  # refused before the throttle counts (and so stores) anything
            flash(f"Адрес электронной почты длиннее {MAX_EMAIL_LENGTH} символов.", "error")
            return render_template("auth/login.html", email=""), 422
        user = services.authenticate(email, request.form.get("password", ""))
        if user is None:
            flash("Неверный адрес или пароль, либо учётная запись отключена.", "error")
            return render_template("auth/login.html", email=request.form.get("email", "")), 401
        start_session(user)
        return redirect(_safe_next(request.args.get("next")))
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html", email="")


@bp.post("/logout")
@login_required
def logout():
    services.end_all_sessions(current_user, actor=current_user, reason="logged_out")
    logout_user()
    flash("Вы вышли из системы.", "info")
    return redirect(url_for("auth.login"))
