"""The demo's cross-organization pairs (registry/demo/cross_org.py) on the demo hierarchy."""
import sqlalchemy as sa

from hierarchy.queries import organization_by_code
from registry.demo import cross_org, units
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentor, MentoringPair


def test_the_demo_joins_mentors_across_organizations(app):
    region = units.load()
    assert cross_org.load(2026) == 3
    db.session.commit()
    found = db.session.execute(
        sa.select(MentoringPair.form, sa.func.min(MentoringPair.start_on)).group_by(MentoringPair.form)
        .order_by(MentoringPair.form)).all()
    assert [(f.value, d.isoformat()) for f, d in found] == [("employer_student", "2025-09-01"),
                                                            ("student_pupil", "2025-09-01")]
    pairs = db.session.scalars(sa.select(MentoringPair).order_by(MentoringPair.id)).all()
    assert [p.organization.code for p in pairs] == ["27-VAN-D1", "27-VAN-D2", "27-R-VMK"]
    assert all(m.organization_id != p.organization_id for p in pairs for m in p.current_mentors)
    college = organization_by_code("27-R-VMK")
    seen = db.session.scalars(sa.select(MentoringPair.id).where(access.pairs_of_organization(college.id))).all()
    assert sorted(seen) == [p.id for p in pairs], "the college sees its student's pairs in the schools, and its own"
    mentors = sa.select(Mentor).where(Mentor.organization.has(region_id=region.id))
    assert access.record_counts(mentors) == (2, 2)
