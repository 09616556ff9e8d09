"""The page behind a "set your password" link (invitation or reset): one form, or a clear refusal."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from registry.auth import links
from registry.auth.sessions import start_session
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed

bp = Blueprint("password_links", __name__, url_prefix="/auth")


def _refused(error: links.LinkRefused):
    return render_template("auth/link_refused.html", error=error), error.status


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    try:
        link = links.check(token, now=now_utc())
    except links.LinkRefused as error:
        return _refused(error)
    if request.method == "GET":
        return render_template("auth/set_password.html", link=link, errors={}, error=None)
    password = request.form.get("password", "")
    try:
        if password != request.form.get("password2", ""):
            raise ValidationFailed("Пароль не задан.", {"password2": ["Пароли не совпадают: введите один и тот же "
                                                                      "пароль дважды."]})
        user = links.redeem(token, password, now=now_utc())
    except links.LinkRefused as error:
        return _refused(error)
    except ValidationFailed as error:
        return render_template("auth/set_password.html", link=link, errors=error.fields, error=error), error.status
    start_session(user)
    flash("Пароль задан, вы вошли в систему.", "success")
    return redirect(url_for("home.index"))
