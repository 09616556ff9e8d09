"""Names and codes of legacy rows (written before they were checked) never reach an archive entry, a path or a header
raw: entries are named after units' names made safe (Cyrillic kept), unique even where case is ignored."""
import io
import zipfile
from pathlib import PurePosixPath

import sqlalchemy as sa

from exports import jobs, stored_files
from exports.catalog import get_form
from exports.models import ExportJob, FormSet, StoredForm
from hierarchy.models import Organization
from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.form_jobs import build_federal_forms

#: The VAN school is not accepted: the regional archive carries its live form, named after its live name.
LEGACY = {"Школа п. Ванино": "../../../../tmp/zipslip79"}


def _legacy_codes(column, codes=LEGACY) -> None:
    """Write raw codes as an old import did (straight to the table: today's importer refuses them)."""
    for old, new in codes.items():
        db.session.execute(sa.update(column.class_).where(column == old).values({column.key: new}))
    db.session.commit()


def _safe_entries(names: list[str]) -> None:
    assert len(names) == len(set(names))
    for name in names:
        path = PurePosixPath(name)
        assert not path.is_absolute() and ".." not in path.parts and "\\" not in name and "\n" not in name, name
        assert not any(part.startswith(".") for part in path.parts), name


def test_the_live_archive_names_entries_through_the_safe_name(frozen):
    world = frozen.world
    _legacy_codes(Organization.name)
    job, _ = jobs.request_archive(world.campaign, world.region, "csv", get_form(), actor=world.operator)
    db.session.commit()
    jobs.build_archive(job.id)
    job = db.session.scalar(sa.select(ExportJob))
    with zipfile.ZipFile(io.BytesIO(job.content)) as archive:
        names = archive.namelist()
    _safe_entries(names)
    assert "tmp_zipslip79.csv" in names and len(names) == 6
    assert {"00_свод_Хабаровский_край.csv", "Школа_№_1_г._Хабаровска.csv", "Центр_«Косатка».csv"} <= set(names)


def test_the_stored_set_archive_names_entries_through_the_safe_name(frozen, login_as):
    build_federal_forms(now_utc())
    # two legacy names that come out the same once made safe (and differ only in case) still get an entry each
    _legacy_codes(StoredForm.unit_name, {"Школа № 1 г. Хабаровска": "../../Школа", "Центр «Косатка»": "..\\..\\школа"})
    regional = db.session.scalar(sa.select(FormSet).where(FormSet.level == "region"))
    path = stored_files.archive(regional, now_utc())
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
    _safe_entries(names)
    assert {"csv/школа.csv", "csv/Школа-2.csv"} <= set(names) and len(names) == 21  # ordered by code: DOD, S1
