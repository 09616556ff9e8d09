"""An approved roadmap is the organization's plan: the plan page and the roadmap link to each other."""
from datetime import date

from registry.documents import services as documents
from registry.documents.vocab import DocumentKind
from registry.extensions import db
from tests import factories
from tests.registry.documents import files


def test_plan_page_and_roadmap_link_each_other_once_approved(world, login_as):
    row = documents.upload(world.school, DocumentKind.roadmap, number="17", signed_on=date(2025, 9, 1),
                           filename="карта.pdf", data=files.pdf(), actor=world.curator)
    db.session.commit()
    official = login_as(world.khv_official)
    plan_url = f"/campaigns/27/{factories.YEAR}/plans/27-KHV-S1"
    assert "утверждённая дорожная карта" not in official.get(plan_url).get_data(as_text=True)
    documents.approve_roadmap(row, actor=world.khv_official)
    db.session.commit()
    plan = official.get(plan_url).get_data(as_text=True)
    assert "утверждённая дорожная карта" in plan and "/records/27-KHV-S1/documents/roadmap/v1" in plan
    register = official.get("/records/27-KHV-S1/documents").get_data(as_text=True)
    assert f"план организации на {factories.YEAR} год" in register and plan_url in register
