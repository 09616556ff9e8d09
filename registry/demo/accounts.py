"""Demo accounts: one per role, with a published password (demo data only, never for production)."""
from dataclasses import dataclass

import click
import sqlalchemy as sa

from registry.auth.models import ROLE_LABELS, Role, User
from registry.auth.services import create_user
from registry.extensions import db

PASSWORD = "demo-2026!"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    role: Role
    scope: str | None
    full_name: str
    what: str


ACCOUNTS = (
    DemoAccount("admin", "admin@example.org", Role.admin, None, "Администратор системы",
                "вся система: пользователи, продления срока региону"),
    DemoAccount("operator", "operator@example.org", Role.region_operator, "27", "Соколова Ирина Викторовна",
                "ХКИРО: свод по краю, отчёты муниципалитетов и краевых организаций"),
    DemoAccount("khv", "khv@example.org", Role.municipal_official, "27-KHV", "Петрова Анна Сергеевна",
                "г. Хабаровск: проверка отчётов школ, муниципальный отчёт (срок продлён)"),
    DemoAccount("van", "van@example.org", Role.municipal_official, "27-VAN", "Ким Олег Николаевич",
                "Ванинский район: отчёт отправлен, окно муниципалитета закрыто"),
    DemoAccount("ksh1", "ksh1@example.org", Role.org_curator, "27-KHV-KSH1", "Орлова Елена Игоревна",
                "Кадетская школа № 1: отчёт возвращён с комментарием, срок продлён"),
    DemoAccount("vmk", "vmk@example.org", Role.org_curator, "27-R-VMK", "Семёнов Дмитрий Андреевич",
                "Ванинский колледж (краевой): отчёт на проверке у региона"),
    DemoAccount("school", "school@example.org", Role.org_curator, "27-KHV-D1", "Никитина Ольга Павловна",
                "демо-школа г. Хабаровска: черновик, срок продлён"),
)


def create_all() -> dict[str, User]:
    """Create every demo account that does not exist yet; return all of them by key. Caller commits."""
    users = {}
    for account in ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        if user is None:
            user = create_user(email=account.email, password=PASSWORD, role=account.role.value, scope=account.scope,
                               full_name=account.full_name)
        users[account.key] = user
    return users


def print_accounts() -> None:
    """Print the demo accounts (email, password, role, scope), marking any that are missing."""
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.in_([a.email for a in ACCOUNTS]))))
    click.echo(f"Демо-учётные записи (пароль у всех: {PASSWORD}):")
    click.echo(f"  {'e-mail':<22} {'пароль':<11} {'роль':<19} {'область':<12} что посмотреть")
    for account in ACCOUNTS:
        missing = "" if account.email in existing else "  [нет в базе]"
        click.echo(f"  {account.email:<22} {PASSWORD:<11} {account.role.value:<19} {account.scope or '—':<12} "
                   f"{ROLE_LABELS[account.role]} — {account.what}{missing}")
