"""The consolidated monitoring report of a municipality or the region: fact vs target per year and per sub-unit,
completeness and timeliness, and the units still missing — as neutral tables and charts (no formatting)."""
from deadlines.models import Campaign
from exports import frozen_names, sources, unit_headers
from exports.builders import monitoring_data as data
from exports.tables import BarChart, Basis, MonitoringReport, Table, TableColumn
from hierarchy.models import Municipality, Region
from monitoring import aggregation
from monitoring.indicators import INDICATORS
from monitoring.labels import NOT_STARTED, verdict
from monitoring.models import REPORT_STATUS_LABELS, SUBMISSION_STATUS_LABELS, ReportStatus
from monitoring.plans.targets import resolve_targets, source_label
from registry.auth.models import User
from registry.core.clock import now_utc
from registry.core.web import format_local, format_number

#: Charts comparing sub-units are drawn only up to this many bars (beyond it the table says it all).
MAX_CHART_BARS = 40
DIRECT = "Организации регионального подчинения"


def _short(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


#: Short Russian column names of the indicators (an official document prints no R2/F1 codes).
SHORT = {"R2": "Обучающиеся ОО", "R4": "Обучающиеся ДО", "R6": "Обучающиеся СПО", "R7": "Молодые педагоги",
         "R8": "Обучающиеся-наставники", "R9": "Предприятия", "R10": "Удовлетворённость наставляемых",
         "R11": "Удовлетворённость наставников", "I1": "Полный цикл", "F1": "Федеральная доля",
         "F2": "Участники, чел."}


def _title(indicator) -> str:
    """The indicator's name for a chart or a legend, without a trailing «, %» (titles add their own unit)."""
    return indicator.label.removesuffix(", %")


def _label(indicator) -> str:
    return f"{indicator.label}, чел." if indicator.unit == "count" else indicator.label


def _count(entry: dict) -> str:
    count = entry.get("count")
    return "—" if count is None else format_number(count)


def _per_year(campaign: Campaign, unit: Region | Municipality, viewer) -> tuple[Table, tuple[BarChart, ...]]:
    years = data.campaigns_up_to(campaign)
    blocks = [(c.year, data.unit_indicators(c, unit, viewer)) for c in years]
    columns = [TableColumn("label", "Показатель")]
    for year, (_, snap) in blocks:
        mark = "" if snap else " (предв.)"
        columns += [TableColumn(f"fact_{year}", f"{year}: факт{mark}", "percent"),
                    TableColumn(f"target_{year}", f"{year}: цель", "percent")]
    columns.append(TableColumn("source", f"Источник цели {campaign.year}"))
    rows, charts = [], []
    for indicator in INDICATORS:
        row = {"code": indicator.code, "label": _label(indicator)}  # the code stays a key, it is not printed
        facts, targets = [], []
        for year, (indicators, _) in blocks:
            entry = indicators.get(indicator.code) or {}
            row[f"fact_{year}"], row[f"target_{year}"] = entry.get("value"), entry.get("target")
            if entry.get("approximate"):
                row["label"] = f"{row['label']} (≈ {year}: приблизительно)"
            if entry.get("reason") and entry.get("value") is None:
                row["label"] = f"{row['label']} ({year}: {entry['reason']}; число — {_count(entry)})"
            facts.append(entry.get("value"))
            targets.append(entry.get("target"))
        row["source"] = source_label(entry.get("target_source"), unit.level) or "—"
        rows.append(row)
        if indicator.targets:
            charts.append(BarChart(f"{_short(_title(indicator), 70)}, %", tuple(str(y) for y, _ in blocks),
                                   (("Факт", tuple(facts)),), target_line=tuple(targets)))
    table = Table("Показатели по годам: факт и цель, % (число участников — в людях)", tuple(columns), tuple(rows),
                  note="«(предв.)» — срез за год не зафиксирован, показаны текущие данные по принятым отчётам. "
                       "«≈» — доля предприятий приблизительна: к предприятиям из учёта (по ИНН) добавлены числа, "
                       "сообщённые организациями без учёта партнёров.")
    return table, tuple(charts)


def _per_unit(campaign: Campaign, unit: Region | Municipality, snapshot,
              viewer) -> tuple[Table, tuple[BarChart, ...]]:
    source = data.unit_source(campaign, unit, snapshot)
    # a table read from a snapshot names its rows as they were named when it was frozen
    if isinstance(unit, Region):
        group, title = "reporting_municipality_id", "муниципальным образованиям"
        frozen = frozen_names.frozen_municipalities(snapshot) if snapshot is not None else {}
        names = {m.id: frozen.get(m.code, m.name) for m, _ in data.municipal_reports(campaign)} | {None: DIRECT}
    else:
        group, title = "organization_id", "организациям"
        names = {org.id: org.name for org, _ in sources.members_of(campaign, unit)}
        if snapshot is not None:
            names |= {org_id: f["name"] for org_id, f in frozen_names.frozen_organizations([snapshot.id]).items()}
    by_group = data.indicators_by_group(campaign, source, group, viewer)
    total, _ = data.unit_indicators(campaign, unit, viewer)
    # the unit's own targets (frozen with its snapshot), each with whose it is
    targets = {i.code: (total.get(i.code) or {}).get("target") for i in INDICATORS}
    whose = "; ".join(f"{SHORT[i.code]} — {source_label((total.get(i.code) or {}).get('target_source'), unit.level)}"
                      for i in INDICATORS if targets[i.code] is not None)
    columns = (TableColumn("name", "Подразделение"),
               *(TableColumn(i.code, SHORT[i.code], "int" if i.unit == "count" else "percent") for i in INDICATORS),
               TableColumn("R9_count", "Предприятий, число", "number"), TableColumn("R9_mark", "Предприятия ≈"))
    keys = sorted(by_group, key=lambda k: (k is None, names.get(k, "")))
    rows = [{"name": names.get(k, str(k)), **by_group[k], "R9_mark": "≈" if by_group[k].get("R9_approximate") else ""}
            for k in keys]
    r9 = total.get("R9") or {}
    rows.append({"name": "Итого", **{i.code: (total.get(i.code) or {}).get("value") for i in INDICATORS},
                 "R9_count": r9.get("count"), "R9_mark": "≈" if r9.get("approximate") else ""})
    rows.append({"name": "Цель", **targets})
    legend = "; ".join(f"{SHORT[i.code]} — {_title(i).lower()}" for i in INDICATORS) + (
        ". Доля предприятий муниципалитета считается от числа предприятий муниципалитета; без него она не "
        f"считается (—), число предприятий показано. «≈» — приблизительно. Цель: {whose}.")
    table = Table(f"Показатели {campaign.year} года по {title}, %", columns, tuple(rows), note=legend)
    charts = []
    if 0 < len(keys) <= MAX_CHART_BARS:
        for indicator in INDICATORS:
            if indicator.targets:
                target = targets.get(indicator.code)
                charts.append(BarChart(f"{_short(_title(indicator), 60)}, {campaign.year} г., по {title}, %"
                                       + (f" (цель {format_number(target)})" if target is not None else ""),
                                       tuple(_short(names.get(k, str(k))) for k in keys),
                                       (("Факт", tuple(by_group[k].get(indicator.code) for k in keys)),),
                                       horizontal=True, target=target))
    return table, tuple(charts)


def _municipal_targets(campaign: Campaign, snapshot) -> Table:
    """Each municipality's targets with whose they are: frozen in its accepted municipal snapshot when the regional
    report is read from a snapshot, resolved now otherwise (own approved plan, else the region's target)."""
    codes = [i.code for i in INDICATORS if i.targets]
    if snapshot is not None:
        frozen = frozen_names.frozen_summaries(snapshot)
        units = [(s.get("unit", {}).get("name", code), s.get("indicators", {})) for code, s in sorted(frozen.items())]
        note = "Цели зафиксированы в принятых муниципальных отчётах, вошедших в срез; остальные муниципалитеты " \
               "в срез не вошли."
    else:
        units = [(m.name, resolve_targets(campaign, m)) for m, _ in data.municipal_reports(campaign)]
        note = "Утверждённый план муниципалитета, иначе цель региона; черновик или план на утверждении не действует."
    rows = []
    for name, indicators in units:
        row = {"name": name, **{code: (indicators.get(code) or {}).get("target") for code in codes}}
        own = [code for code in codes if (indicators.get(code) or {}).get("target_source") == "unit"]
        regional = [code for code in codes if code not in own and row[code] is not None]
        row["source"] = ("план муниципалитета" + (f"; {', '.join(SHORT[c] for c in regional)} — цель региона"
                                                  if regional else "")
                         if own else "цель региона")
        rows.append(row)
    columns = (TableColumn("name", "Муниципальное образование"), *(TableColumn(c, SHORT[c], "percent") for c in codes),
               TableColumn("source", "Чья цель"))
    return Table(f"Цели муниципальных образований на {campaign.year} год, %", columns, tuple(rows), note=note)


def _completeness(campaign: Campaign, unit: Region | Municipality, now) -> Table:
    columns = (TableColumn("name", "Подразделение"), TableColumn("expected", "Ожидается", "int"),
               TableColumn("submitted", "Отправили", "int"), TableColumn("accepted", "Принято", "int"),
               TableColumn("overdue", "Просрочили", "int"), TableColumn("share", "Полнота, %", "percent"))
    scopes = []
    if isinstance(unit, Region):
        scopes = [(m.name, m.id) for m, _ in data.municipal_reports(campaign)] + [(DIRECT, None)]
    scopes.append(("Итого", aggregation.ALL if isinstance(unit, Region) else unit.id))
    rows = []
    for name, scope in scopes:
        counts = aggregation.completeness(campaign, now, scope)
        if counts["expected"] or name == "Итого":
            share = 100.0 * counts["accepted"] / counts["expected"] if counts["expected"] else None
            rows.append({"name": name, **counts, "share": share})
    return Table("Полнота сдачи отчётов организаций", columns, tuple(rows),
                 note="Полнота — доля принятых отчётов среди ожидаемых участников кампании.")


def _timeliness(campaign: Campaign, unit: Region | Municipality) -> Table:
    tz = campaign.region.timezone
    if isinstance(unit, Municipality):
        rows = []
        for r in data.member_progress(campaign, unit):
            status = SUBMISSION_STATUS_LABELS[r["status"]] if r["status"] else NOT_STARTED
            rows.append({"name": r["org"].name, "code": r["org"].code, "status": status,
                         "submitted": format_local(r["submitted_at"], tz) if r["submitted_at"] else "—",
                         "closes": format_local(r["closes_at"], tz), "verdict": _verdict(r["on_time"])})
        columns = (TableColumn("name", "Организация"), TableColumn("code", "Код"), TableColumn("status", "Состояние"),
                   TableColumn("submitted", "Впервые отправлен"), TableColumn("closes", "Срок (с продлением)"),
                   TableColumn("verdict", "Своевременность"))
        return Table("Своевременность отчётов организаций", columns, tuple(rows),
                     note="Время местное. Срок — момент закрытия приёма с учётом продлений.")
    progress = data.member_progress(campaign, None)
    closes = data.municipal_closes(campaign)
    rows = []
    for municipality, report in data.municipal_reports(campaign):
        own = [r for r in progress if r["municipality_id"] == municipality.id]
        submitted = report.submitted_at if report is not None else None
        close = closes.get(municipality.id, campaign.municipality_deadline)
        status = report.status if report is not None else ReportStatus.open
        rows.append({"name": municipality.name, "status": REPORT_STATUS_LABELS[status],
                     "submitted": format_local(submitted, tz) if submitted else "—",
                     "verdict": _verdict(None if submitted is None else submitted <= close),
                     "orgs_on_time": sum(1 for r in own if r["on_time"]),
                     "orgs_late": sum(1 for r in own if r["on_time"] is False),
                     "orgs_not_sent": sum(1 for r in own if r["on_time"] is None)})
    columns = (TableColumn("name", "Муниципальное образование"), TableColumn("status", "Муниципальный отчёт"),
               TableColumn("submitted", "Отправлен"), TableColumn("verdict", "Своевременность"),
               TableColumn("orgs_on_time", "Организаций в срок", "int"),
               TableColumn("orgs_late", "С опозданием", "int"),
               TableColumn("orgs_not_sent", "Не отправили", "int"))
    return Table("Своевременность муниципальных отчётов и отчётов организаций", columns, tuple(rows),
                 note="Время местное; учитываются продления сроков.")


def _verdict(on_time: bool | None) -> str:
    return verdict(on_time)


def _missing(campaign: Campaign, unit: Region | Municipality, snapshot) -> Table:
    if snapshot is not None:
        missing = snapshot.summary.get("missing", [])
    elif isinstance(unit, Region):
        missing = [{"code": m.code, "name": m.name, "level": "municipality",
                    "status": (r.status if r else ReportStatus.open).value}
                   for m, r in data.municipal_reports(campaign) if r is None or r.status is not ReportStatus.accepted]
        missing += aggregation.not_accepted(campaign, None)
    else:
        missing = aggregation.not_accepted(campaign, unit.id)
    rows = tuple({"level": "муниципалитет" if m.get("level") == "municipality" else "организация",
                  "code": m.get("code"), "name": m.get("name"), "status": _status_label(m)} for m in missing)
    columns = (TableColumn("level", "Уровень"), TableColumn("code", "Код"), TableColumn("name", "Наименование"),
               TableColumn("status", "Состояние"))
    return Table(f"Не вошли в сводку ({len(rows)})", columns, rows,
                 note="Отчёт не принят на момент фиксации среза." if snapshot is not None else
                 "Отчёт не принят на текущий момент.")


def _status_label(missing: dict) -> str:
    labels = REPORT_STATUS_LABELS if missing.get("level") == "municipality" else SUBMISSION_STATUS_LABELS
    return next((label for key, label in labels.items() if key.value == missing.get("status")), NOT_STARTED)


def monitoring_report(campaign: Campaign, unit: Region | Municipality, *, now=None,
                      viewer: User | None = None) -> MonitoringReport:
    """Build the report; values come from the unit's latest snapshot of each year, or live data (marked).
    R10/R11 as `viewer` may see them (surveys.privacy; None: a viewer who is neither region nor curator)."""
    now = now or now_utc()
    snapshot = data.unit_snapshot(campaign, unit)
    basis = (Basis(False, f"Зафиксированный срез № {snapshot.id} (версия {snapshot.version}) от "
                          f"{format_local(snapshot.created_at, campaign.region.timezone)}", snapshot.id,
                   snapshot.version, snapshot.level.value, snapshot.unit_code, snapshot.created_at)
             if snapshot is not None else
             Basis(True, "Предварительные данные: срез не зафиксирован, использованы принятые на сейчас отчёты"))
    per_year, charts = _per_year(campaign, unit, viewer)
    per_unit, unit_charts = _per_unit(campaign, unit, snapshot, viewer)
    kind = "региона" if isinstance(unit, Region) else "муниципального образования"
    info = unit_headers.consolidated_info(unit, snapshot) if snapshot is not None else unit_headers.unit_info(unit)
    return MonitoringReport(
        title=f"Мониторинг целевой модели наставничества {kind}: {campaign.year} год", unit=info,
        year=campaign.year, basis=basis, tables=(per_year, per_unit, _completeness(campaign, unit, now),
                                                 _timeliness(campaign, unit),
                                                 *([_municipal_targets(campaign, snapshot)]
                                                   if isinstance(unit, Region) else [])),
        charts=charts, unit_charts=unit_charts, missing=_missing(campaign, unit, snapshot),
        notes=("Доля предприятий считает только предприятия (работодателей): различные ИНН из учёта принятых "
               "организаций плюс "
               "числа, сообщённые организациями без учёта партнёров (тогда значение приблизительное, «≈»). "
               "Знаменатель: число предприятий региона или муниципалитета.",
               "Число участников: наставляемые всех категорий и наставники; различные лица по учёту "
               "организации, где он ведётся, иначе сумма сообщённых чисел.",))
