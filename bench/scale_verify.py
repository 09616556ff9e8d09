"""What bench/scale_out.py checks in the database and the shared EXPORTS_DIR after the run: every scheduled side
effect (municipal and regional draft snapshots with their ledger and audit rows, stored form sets and their files,
e-mails) happened once — not missing, not twice — though the leading scheduler was killed mid-run."""
import os
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from registry.core.export_store import TEMP_PREFIX


@dataclass(frozen=True)
class Calendar:
    """The run's test calendar: the current campaign's municipal and regional deadlines, moved into the run."""
    municipal: datetime
    regional: datetime


def _app(url: str):
    os.environ["DATABASE_URL"] = url  # the settings are read when registry.config is first imported
    from registry import create_app

    return create_app(SQLALCHEMY_DATABASE_URI=url)


def set_calendar(url: str, calendar: Calendar) -> dict:
    """Move the deadlines (directly in the database, as the owner); return what the scheduler must then do."""
    from deadlines.models import Campaign
    from hierarchy.models import Region
    from monitoring.models import Snapshot
    from registry.extensions import db
    from scheduler import pending

    app = _app(url)
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign).join(Region).where(Region.code == "27")
                                     .order_by(Campaign.year.desc()))
        campaign.municipality_deadline, campaign.region_deadline = calendar.municipal, calendar.regional
        db.session.commit()
        unsent = pending.unsubmitted_municipalities(campaign)
        closes = pending.municipal_closings(campaign, unsent)
        expected = {"year": campaign.year, "campaign_id": campaign.id,
                    "municipal": sorted(m.code for m in unsent if closes[m.id] <= calendar.municipal),
                    "regional": 0 if pending.region_consolidated(campaign) else 1,
                    "last_snapshot": db.session.scalar(sa.select(sa.func.max(Snapshot.id))) or 0}
        db.session.remove()
    return expected


def _settled(conn, calendar: Calendar) -> bool:
    if datetime.now(calendar.regional.tzinfo) < calendar.regional:
        return False
    open_sets = conn.execute(sa.text("SELECT count(*) FROM form_sets WHERE completed_at IS NULL")).scalar()
    unsent = conn.execute(sa.text("SELECT count(*) FROM outbox WHERE status = 'pending'")).scalar()
    missing = conn.execute(sa.text("SELECT count(*) FROM snapshots s WHERE NOT EXISTS "
                                   "(SELECT 1 FROM form_sets f WHERE f.snapshot_id = s.id)")).scalar()
    return open_sets == 0 and unsent == 0 and missing == 0


def verify(url: str, exports: Path, smtp, expected: dict, calendar: Calendar, settle: float) -> tuple[list, dict]:
    """Wait (up to `settle` s) for the scheduler to finish what fell due, then compare; (problems, figures)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    problems: list[str] = []
    started = time.time()
    with engine.connect() as conn:
        while not _settled(conn, calendar) and time.time() - started < settle:
            conn.rollback()
            time.sleep(2)
        waited = time.time() - started
        conn.rollback()
        q = lambda sql, **kw: conn.execute(sa.text(sql), kw).all()  # noqa: E731
        after = expected["last_snapshot"]
        drafts = Counter(code for code, in q("SELECT unit_code FROM snapshots WHERE id > :after AND level = "
                                             "'municipality' AND created_by_id IS NULL", after=after))
        for code in expected["municipal"]:
            if drafts[code] != 1:
                problems.append(f"черновой срез муниципалитета {code}: {drafts[code]} (ожидался 1)")
        for code in set(drafts) - set(expected["municipal"]):
            problems.append(f"лишний черновой срез муниципалитета {code}: {drafts[code]}")
        regional = q("SELECT count(*) FROM snapshots WHERE id > :after AND level = 'region' AND created_by_id IS NULL",
                     after=after)[0][0]
        if regional != expected["regional"]:
            problems.append(f"черновых срезов региона: {regional} (ожидался {expected['regional']})")
        ledger = dict(q("SELECT job, count(*) FROM job_ledger GROUP BY job"))
        audits = dict(q("SELECT action, count(*) FROM audit_entries WHERE action LIKE '%draft_snapshot' "
                        "GROUP BY action"))
        if ledger.get("municipal-draft", 0) != len(expected["municipal"]) or audits.get(
                "municipal_report.draft_snapshot", 0) != len(expected["municipal"]):
            problems.append(f"записей журнала заданий/аудита о черновиках муниципалитетов: "
                            f"{ledger.get('municipal-draft', 0)}/{audits.get('municipal_report.draft_snapshot', 0)}, "
                            f"ожидалось {len(expected['municipal'])}")
        snapshots, sets, open_sets = q("SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM form_sets), "
                                       "(SELECT count(*) FROM form_sets WHERE completed_at IS NULL)")[0]
        twice = q("SELECT snapshot_id FROM form_sets GROUP BY snapshot_id, form_code HAVING count(*) > 1")
        if sets != snapshots or open_sets or twice:
            problems.append(f"наборов форм {sets} на {snapshots} срезов, недостроено {open_sets}, дважды {len(twice)}")
        stored = [Path(p) for p, in q("SELECT path FROM stored_forms WHERE status = 'stored'")]
        on_disk = {p.relative_to(exports) for p in exports.rglob("*") if p.is_file()
                   and not p.name.startswith(TEMP_PREFIX)}
        # the registry extract each new snapshot stores beside the forms (registry/mentoring/yearly.py)
        extracts = [Path(p) for p, in q("SELECT summary->'registry'->'extract'->>'path' FROM snapshots "
                                        "WHERE id > :after", after=after) if p]
        listed = {p if not p.is_absolute() else p.relative_to(exports) for p in stored} | set(extracts)
        if len(listed) != len(stored) + len(extracts) or listed != on_disk:
            problems.append(f"файлов в EXPORTS_DIR {len(on_disk)}, в базе {len(stored)} форм и {len(extracts)} "
                            f"выписок; только на диске: "
                            f"{sorted(map(str, on_disk - listed))[:6]}, только в базе: "
                            f"{sorted(map(str, listed - on_disk))[:6]}")
        outbox = Counter((to, subject) for to, subject in q("SELECT to_addr, subject FROM outbox "
                                                           "WHERE status = 'sent'"))
        statuses = dict(q("SELECT status, count(*) FROM outbox GROUP BY status"))
        received = Counter((m["To"], m["Subject"]) for m in smtp.messages)
        if received != outbox:
            problems.append(f"писем получено {sum(received.values())}, отправлено по базе {sum(outbox.values())}; "
                            f"расходятся: {len(received - outbox) + len(outbox - received)}")
        duplicates = q("SELECT to_addr, subject FROM outbox GROUP BY to_addr, subject, body HAVING count(*) > 1")
        if duplicates:
            problems.append(f"одинаковых писем дважды: {len(duplicates)}")
        if statuses.get("pending") or statuses.get("failed"):
            problems.append(f"письма не отправлены: {statuses}")
        leases = q("SELECT holder, expires_at FROM scheduler_leases")
    engine.dispose()
    figures = {
        "ожидание планировщика после нагрузки": f"{waited:.1f} с",
        "черновые срезы муниципалитетов": f"{sum(drafts.values())} (ожидалось {len(expected['municipal'])}: "
                                          f"{', '.join(expected['municipal']) or '—'})",
        "черновой срез региона": f"{regional} (ожидался {expected['regional']})",
        "журнал заданий (строк по заданиям)": dict(sorted(ledger.items())),
        "аудит черновых срезов": audits,
        "наборы федеральных форм": f"{sets} на {snapshots} срезов, недостроено {open_sets}; файлов форм "
                                          f"{len(stored)} и выписок реестра {len(extracts)}, на диске {len(on_disk)}",
        "письма": f"в базе {dict(statuses)}, получено SMTP {sum(received.values())}",
        "аренда ведущего": [f"{holder} до {expires:%H:%M:%S}" for holder, expires in leases],
    }
    return problems, figures
