"""The top menu of every page, per role: app-wide, so it sits beside the app factory, above every domain whose
pages it links (a domain's blueprint no longer builds the whole application's menu)."""
from flask import Flask, request, url_for
from flask_login import current_user

from monitoring.campaigns import latest_campaign
from registry.auth.models import ROLE_LABELS, Role
from registry.public.home import PUBLIC_NAV

#: The menu entry of the region registry of people (PRODUCT.md §9), for municipal officials and region staff.
REGISTRY_MENU = "Реестр наставников и наставляемых"


def init_app(app: Flask) -> None:
    app.context_processor(navigation)


def navigation() -> dict:
    """The top menu for the signed-in user's role (templates only render it)."""
    if not current_user.is_authenticated:
        return {"nav": _items([("Главная", url_for("home.index"))]
                              + [(label, url_for(endpoint)) for endpoint, label in PUBLIC_NAV]),
                "account_links": [], "role_label": ""}
    items = [("Главная", url_for("home.index"))]
    role = current_user.role
    if role is Role.mentor:  # only the mentor's own pages: no records, registry-wide lists or monitoring
        items = [("Мои пары и отчёты", url_for("mentor.home"))]
    elif role is Role.admin:
        items += [("Пользователи", url_for("admin.user_list")), ("Подразделения", url_for("hierarchy.unit_list")),
                  ("Загрузка иерархии", url_for("hierarchy.unit_import"))]
    elif role is Role.region_operator:
        region = current_user.region
        items.append(("Кампании", url_for("campaigns.campaign_list", region_code=region.code)))
        campaign = latest_campaign(region.id)
        if campaign is not None:
            args = {"region_code": region.code, "year": campaign.year}
            items += [("Сводка региона", url_for("region.region_view", **args)),
                      ("Проверка отчётов", url_for("review.submission_list", **args))]
        items.append(("Документы организаций", url_for("documents.summary", unit_code=region.code)))
        items.append((REGISTRY_MENU, url_for("people_registry.registry_list", region_code=region.code,
                                             kind="mentors")))
    elif role is Role.municipal_official:
        muni = current_user.municipality
        campaign = latest_campaign(muni.region_id)
        if campaign is not None:
            args = {"region_code": muni.region.code, "year": campaign.year}
            items += [("Проверка отчётов", url_for("review.submission_list", **args)),
                      ("Муниципальный отчёт", url_for("reports.municipal_report_view", municipality_code=muni.code,
                                                      **args)),
                      ("Федеральные формы", url_for("form_sets.federal_forms", **args))]
        items.append(("Документы организаций", url_for("documents.summary", unit_code=muni.code)))
        items.append((REGISTRY_MENU, url_for("people_registry.registry_list", region_code=muni.region.code,
                                             kind="mentors")))
    elif role is Role.org_curator:
        org = current_user.organization
        campaign = latest_campaign(org.region_id)
        if campaign is not None:
            items += [("Отчёт организации", url_for("submissions.submission_edit", region_code=org.region.code,
                                                    year=campaign.year, org_code=org.code)),
                      ("Федеральные формы", url_for("form_sets.federal_forms", region_code=org.region.code,
                                                    year=campaign.year))]
    # the curator's records open on its own organization; reviewers get the list of organizations they see
    if role is not Role.mentor:
        items += [("Учёт наставничества", url_for("records.index")),
                  ("Реестр наставников", url_for("public.mentor_list")), ("Мои загрузки", url_for("imports.job_list"))]
    account = [("Уведомления", url_for("notifications.notification_list")),
               ("Сменить пароль", url_for("account.password_change"))]
    if role is not Role.mentor:  # the campaign calendar is the reporting units' business
        account.insert(0, ("Календарь", url_for("calendar.calendar_view")))
    scope = current_user.scope_unit
    role_label = ROLE_LABELS[role] + (f", {scope.name}" if scope is not None else "")
    return {"nav": _items(items), "account_links": _items(account), "role_label": role_label}


def _items(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "url": url, "current": url == request.path} for label, url in pairs]
