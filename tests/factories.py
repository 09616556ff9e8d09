"""Builders for test data, through the same services the app uses."""
from dataclasses import dataclass
from functools import cache

from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization, OrgType, Region, ReportsTo
from monitoring import campaigns
from registry.auth.models import Role, User
from registry.auth.passwords import hash_password
from registry.core.clock import now_utc
from registry.extensions import db

PASSWORD = "correct-horse-42"
#: A campaign year whose windows are all still open today.
YEAR = now_utc().year + 1


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # Argon2id is slow on purpose; hash once per run


def region(code="27", name="Хабаровский край", timezone="Asia/Vladivostok") -> Region:
    unit = Region(code=code, name=name, timezone=timezone)
    db.session.add(unit)
    db.session.flush()
    return unit


def municipality(region: Region, code: str, name: str | None = None) -> Municipality:
    unit = Municipality(region_id=region.id, code=code, name=name or f"Муниципалитет {code}")
    db.session.add(unit)
    db.session.flush()
    return unit


def organization(region: Region, location: Municipality, code: str, org_type=OrgType.general,
                 reports_to=ReportsTo.municipality, name: str | None = None) -> Organization:
    unit = Organization(region_id=region.id, location_municipality_id=location.id, code=code, org_type=org_type,
                        reports_to=reports_to, name=name or f"Организация {code}")
    db.session.add(unit)
    db.session.flush()
    return unit


def user(email: str, role: Role, unit=None, *, enabled: bool = True) -> User:
    scope = {}
    if role is Role.region_operator:
        scope["region_id"] = unit.id
    elif role is Role.municipal_official:
        scope["municipality_id"] = unit.id
    elif role is Role.org_curator:
        scope["organization_id"] = unit.id
    elif role is Role.mentor:  # `unit` is the mentor record
        scope.update(organization_id=unit.organization_id, mentor_id=unit.id)
    account = User(email=email, full_name=email.split("@")[0], password_hash=_password_hash(), role=role,
                   is_enabled=enabled, **scope)
    db.session.add(account)
    db.session.flush()
    return account


def open_campaign(region: Region, year: int = YEAR, actor: User | None = None) -> Campaign:
    return campaigns.open_campaign(region, year, actor=actor)


#: A complete, valid set of values; tests copy and change it.
VALID_VALUES = {
    "students_total": 1000, "students_age_10_19": 700, "students_age_15_19": 300,
    "mentees_students": 200, "mentees_students_full_cycle": 120, "mentees_age_10_19": 150,
    "teachers_young_total": 20, "teachers_young_supported": 15,
    "mentors_total": 60, "mentors_teachers": 30, "mentors_students": 20, "mentors_employers": 6,
    "mentors_social_partners": 4, "mentors_students_age_15_19": 18,
    "mentees_form_student_student": 80, "mentees_form_teacher_teacher": 10, "mentees_form_teacher_student": 60,
    "mentees_form_student_pupil": 20, "mentees_form_employer_student": 10,
    "pairs_total": 150, "groups_total": 12, "partner_enterprises_with_mentors": 3,
    "mentee_survey_respondents": 100, "mentee_satisfaction_pct": 80,
    "mentor_survey_respondents": 40, "mentor_satisfaction_pct": 90,
}


@dataclass
class World:
    region: Region
    other_region: Region
    khv: Municipality
    van: Municipality
    school: Organization  # general, KHV, reports to KHV
    dod: Organization  # additional, KHV
    van_school: Organization  # general, VAN
    college: Organization  # vocational, located in VAN, reports to the region
    foreign_school: Organization  # in the other region
    admin: User
    operator: User
    other_operator: User
    khv_official: User
    van_official: User
    curator: User  # of `school`
    dod_curator: User
    van_curator: User
    college_curator: User
    campaign: Campaign


def build_world() -> World:
    r = region()
    other = region("79", "Еврейская автономная область", "Asia/Vladivostok")
    khv = municipality(r, "27-KHV", "городской округ «Город Хабаровск»")
    van = municipality(r, "27-VAN", "Ванинский муниципальный район")
    other_m = municipality(other, "79-BIR", "Биробиджан")
    school = organization(r, khv, "27-KHV-S1", name="Школа № 1 г. Хабаровска")
    dod = organization(r, khv, "27-KHV-DOD", OrgType.additional, name="Центр «Косатка»")
    van_school = organization(r, van, "27-VAN-S1", name="Школа п. Ванино")
    college = organization(r, van, "27-R-VMK", OrgType.vocational, ReportsTo.region, name="Ванинский колледж")
    foreign = organization(other, other_m, "79-BIR-S1", name="Школа Биробиджана")
    admin = user("admin@example.ru", Role.admin)
    world = World(
        region=r, other_region=other, khv=khv, van=van, school=school, dod=dod, van_school=van_school,
        college=college, foreign_school=foreign, admin=admin,
        operator=user("operator@example.ru", Role.region_operator, r),
        other_operator=user("operator79@example.ru", Role.region_operator, other),
        khv_official=user("khv@example.ru", Role.municipal_official, khv),
        van_official=user("van@example.ru", Role.municipal_official, van),
        curator=user("curator@example.ru", Role.org_curator, school),
        dod_curator=user("dod@example.ru", Role.org_curator, dod),
        van_curator=user("vancurator@example.ru", Role.org_curator, van_school),
        college_curator=user("college@example.ru", Role.org_curator, college),
        campaign=None,
    )
    world.campaign = open_campaign(r, YEAR, admin)
    open_campaign(other, YEAR, admin)
    db.session.commit()
    return world
