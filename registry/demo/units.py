"""The Khabarovsk krai hierarchy for the demo: the real file plus generated municipal schools marked «(демо)»."""
import csv
import random
import re
from pathlib import Path

from hierarchy.models import Municipality, Organization, OrgType, Region, ReportsTo
from registry.extensions import db

CSV_PATH = Path(__file__).with_name("khabarovsk_municipalities.csv")

#: Names of generated organizations; «№ {n}» is filled with a number.
_GENERAL_NAMES = ("МБОУ СОШ № {n}", "МБОУ гимназия № {n}", "МБОУ лицей № {n}", "МБОУ ООШ № {n}")
_ADDITIONAL_NAMES = ("МБУ ДО «Дом детского творчества»", "МАУ ДО «Центр детского творчества»",
                     "МБУ ДО «Станция юных техников»", "МБУ ДО «Детско-юношеская спортивная школа»")
#: The large cities get more demo schools.
_CITIES = {"27-KHV": 4, "27-KMS": 4}


def short_name(municipality_name: str) -> str:
    """«Амурский муниципальный район» → «Амурский район»; «городской округ «Город Хабаровск»» → «г. Хабаровск»."""
    city = re.search(r"«Город (.+)»", municipality_name)
    if city:
        return f"г. {city.group(1)}"
    return municipality_name.replace("муниципальный район", "район").strip()


def load(path: Path = CSV_PATH) -> Region:
    """Create the region, municipalities and organizations of the file, then the demo schools. Caller commits."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    region = None
    municipalities: dict[str, Municipality] = {}
    for row in rows:
        if row["kind"] == "region":
            region = Region(code=row["code"], name=row["name"], timezone=row["timezone"])
            db.session.add(region)
            db.session.flush()
        elif row["kind"] == "municipality":
            unit = Municipality(code=row["code"], name=row["name"], region_id=region.id)
            db.session.add(unit)
            municipalities[unit.code] = unit
    db.session.flush()
    for row in rows:
        if row["kind"] == "organization":
            db.session.add(Organization(
                code=row["code"], name=row["name"], region_id=region.id, org_type=OrgType(row["org_type"]),
                location_municipality_id=municipalities[row["parent_code"]].id,
                reports_to=ReportsTo(row["reports_to"])))
    _add_demo_schools(region, list(municipalities.values()))
    db.session.flush()
    return region


def _add_demo_schools(region: Region, municipalities: list[Municipality]) -> None:
    """Two to four municipal organizations per municipality, clearly named as demo data (codes 27-XXX-D1…)."""
    rng = random.Random("demo-units")
    for municipality in municipalities:
        count = _CITIES.get(municipality.code, rng.randint(2, 3))
        place = short_name(municipality.name)
        numbers = sorted(rng.sample(range(1, 40 if municipality.code in _CITIES else 12), count))
        for index, number in enumerate(numbers, start=1):
            additional = index == count and (count >= 3 or rng.random() < 0.5)
            template = rng.choice(_ADDITIONAL_NAMES if additional else _GENERAL_NAMES)
            db.session.add(Organization(
                code=f"{municipality.code}-D{index}", name=f"{template.format(n=number)} (демо), {place}",
                region_id=region.id, location_municipality_id=municipality.id, reports_to=ReportsTo.municipality,
                org_type=OrgType.additional if additional else OrgType.general))
