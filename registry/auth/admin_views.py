"""Administrator's pages: user accounts (list, create, change role and scope, disable/enable)."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy import picker as unit_picker
from hierarchy.models import Level
from registry.auth import links, services
from registry.auth.models import ROLE_LABELS, Role, User
from registry.core.clock import now_utc
from registry.core.errors import DomainError
from registry.core.listing import Listing, paginate
from registry.core.permissions import require
from registry.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
FORM_FIELDS = ("email", "full_name", "role", "scope")
#: Sort keys of the user list → columns (the e-mail, unique, breaks ties).
#: The role drop-down, least privilege first: a new account starts with the fewest rights unless the admin chooses.
ROLE_CHOICES = (Role.org_curator, Role.municipal_official, Role.region_operator, Role.admin)
LEAST_PRIVILEGE = ROLE_CHOICES[0]
SORTS = {"email": (User.email,), "name": (User.full_name, User.email), "role": (User.role, User.email),
         "enabled": (User.is_enabled, User.email)}


def _users(search: str) -> Listing:
    """Accounts filtered by a part of the e-mail or name, one sorted page at a time."""
    query = sa.select(User)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.email).like(pattern),
                                   sa.func.lower(User.full_name).like(pattern)))
    return paginate(query, SORTS, "email", PER_PAGE)


def _render(*, form: dict | None = None, error: DomainError | None = None):
    search = request.args.get("q", "").strip()
    listing = _users(search)
    rows = [{"user": u, "role": ROLE_LABELS[u.role], "scope": u.scope_unit,
             "can_toggle": u.id != current_user.id} for u, in listing.rows]
    picker = _scope_picker()
    return render_template("admin/user_list.html", rows=rows, listing=listing, search=search, roles=_roles(),
                           picker=picker,
                           form=form or {"role": LEAST_PRIVILEGE.value}, error=error,
                           errors=error.fields if error else {})


@bp.get("/users")
@login_required
def user_list():
    require(current_user.is_admin)
    return _render()


@bp.post("/users")
@login_required
def user_create():
    require(current_user.is_admin)
    form = {key: request.form.get(key, "").strip() for key in FORM_FIELDS}
    form["scope"] = _picked_scope()
    try:
        user = services.create_user(email=form["email"], password=request.form.get("password", ""), role=form["role"],
                                    scope=form["scope"] or None, full_name=form["full_name"], actor=current_user)
    except DomainError as error:
        return _render(form=form, error=error), error.status
    scope = user.scope_unit
    flash(f"Пользователь {user.email} создан" + (f": «{scope.name}»." if scope is not None else "."), "success")
    return redirect(url_for("admin.user_list", q=user.email))


def _roles() -> dict[Role, str]:
    return {role: ROLE_LABELS[role] for role in ROLE_CHOICES}


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    """Change a user's role and scope; the user's sessions and tokens end, so the new rights apply at once."""
    require(current_user.is_admin)
    user = _user(user_id)
    scope = user.scope_unit
    form = {"role": user.role.value, "scope": scope.code if scope else ""}
    error = None
    if request.method == "POST":
        form = {"role": request.form.get("role", "").strip(), "scope": _picked_scope()}
        try:
            changed = services.change_role(user, role=form["role"], scope=form["scope"], actor=current_user)
        except DomainError as refused:
            error = refused
        else:
            flash(f"Роль {user.email} изменена: {ROLE_LABELS[user.role]}"
                  + (f", {user.scope_unit.name}" if user.scope_unit else "") + ". Сеансы пользователя завершены."
                  if changed else f"Роль и область действия {user.email} не изменились.", "success")
            return redirect(url_for("admin.user_list", q=user.email))
    return render_template("admin/user_edit.html", user=user, scope=scope, roles=_roles(), form=form, error=error,
                           picker=_scope_picker(), errors=error.fields if error else {}), error.status if error else 200


#: A user's scope is a region, a municipality or an organization of any region.
_SCOPE_UNITS = {"region_id": None, "levels": (Level.region, Level.municipality, Level.organization)}


def _scope_picker():
    """The scope field's search by name (`unit_q`: `q` is the user list's own search)."""
    return unit_picker.picker("scope", request.args.get("unit_q", ""), "unit_q", **_SCOPE_UNITS)


def _picked_scope() -> str:
    """The scope as typed or chosen: a unit's code, or its exact name turned into the code."""
    return unit_picker.resolve(unit_picker.picked(request.form, "scope"), **_SCOPE_UNITS)


def _set_enabled(user_id: int, enabled: bool):
    require(current_user.is_admin)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    require(user.id != current_user.id, "Нельзя отключить собственную учётную запись.")
    services.set_enabled(user, enabled, actor=current_user)
    flash(f"Учётная запись {user.email} {'включена' if enabled else 'отключена: её сеансы завершены'}.", "success")
    return redirect(url_for("admin.user_list", q=request.form.get("q") or None))


@bp.post("/users/<int:user_id>/unlock")
@login_required
def user_unlock(user_id: int):
    """Forget the account's failed logins, so its owner may sign in at once (the lockout lasts up to an hour)."""
    require(current_user.is_admin)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    services.clear_login_failures(user, actor=current_user)
    flash(f"Ограничение неудачных входов для {user.email} снято.", "success")
    return redirect(url_for("admin.user_list", q=request.form.get("q") or None))


@bp.post("/users/<int:user_id>/password-link")
@login_required
def user_password_link(user_id: int):
    """E-mail the user a single-use link to set a new password (the old one keeps working until then)."""
    require(current_user.is_admin)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    require(user.is_enabled, "Учётная запись отключена: сначала включите её.")
    links.issue(user, "reset", actor=current_user, now=now_utc())
    flash(f"Ссылка для смены пароля отправлена на {user.email}; она действует один раз.", "success")
    return redirect(url_for("admin.user_list", q=request.form.get("q") or None))


@bp.post("/users/<int:user_id>/disable")
@login_required
def user_disable(user_id: int):
    return _set_enabled(user_id, False)


@bp.post("/users/<int:user_id>/enable")
@login_required
def user_enable(user_id: int):
    return _set_enabled(user_id, True)
