"""The signed-in user's own account: changing the password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from registry.auth import services
from registry.auth.passwords import MIN_PASSWORD_LENGTH
from registry.auth.sessions import start_session
from registry.core.errors import DomainError

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password_change():
    """Current password, then the new one twice; other sessions and tokens end, this one starts afresh."""
    error = None
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, request.form.get("current_password", ""),
                                         request.form.get("new_password", ""),
                                         request.form.get("new_password_repeat", ""))
        except DomainError as refused:
            error = refused
        else:
            start_session(user)  # the session under the new epoch; every older cookie and token is void
            flash("Пароль изменён. Остальные сеансы и API-токены завершены.", "success")
            return redirect(url_for("home.index"))
    return render_template("account/password.html", error=error, errors=error.fields if error else {},
                           min_length=MIN_PASSWORD_LENGTH), error.status if error else 200
