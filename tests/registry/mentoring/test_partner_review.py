"""Partners reach the public registry only after review, never with an individual's ИНН, and a curator's spelling
of a shared partner's name is a proposal the reviewer accepts, not a silent rename for every organization."""
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.mentoring.models import Partner
from registry.mentoring.vocab import PartnerStatus

R = "/records/27-KHV-S1"
IP = {"inn": "272200000019", "name": "ИП Предпринимателев Пётр Петрович", "partner_kind": "other", "kind": "social"}
FACTORY = {"inn": "7707083893", "name": "АО «Завод»", "partner_kind": "enterprise", "kind": "dual"}


def public_everywhere(client) -> str:
    """Every public answer that lists partners, in one string."""
    return "\n".join((client.get("/registry/partners").get_data(as_text=True),
                      client.get("/registry/partners?sort=inn").get_data(as_text=True),
                      client.get("/api/v1/public/partners").get_data(as_text=True),
                      client.get("/registry/data/partners.csv").get_data(as_text=True),
                      client.get("/registry/data/partners.json").get_data(as_text=True)))


def partner(inn: str) -> Partner:
    db.session.expire_all()
    return db.session.scalar(sa.select(Partner).where(Partner.inn == inn))


def test_an_entrepreneur_waits_for_review_and_never_shows_the_personal_inn(world, login_as, client):
    login_as(world.curator).post(R + "/partners/new", IP)
    ip = partner(IP["inn"])
    assert ip.status is PartnerStatus.proposed
    assert IP["name"] not in public_everywhere(client)  # saved, not published
    official = login_as(world.khv_official)
    queue = official.get("/records/partners/review").get_data(as_text=True)
    assert IP["name"] in queue and "физическое лицо: не публикуется" in queue
    assert official.post(f"/records/partners/{ip.id}/publish").status_code == 302
    shown = public_everywhere(client)
    assert IP["name"] in shown and IP["inn"] not in shown
    assert client.get("/api/v1/public/partners").get_json()[0]["inn"] is None
    assert partner(IP["inn"]).status is PartnerStatus.published


def test_a_legal_entity_shows_its_inn_once_published(world, login_as, client):
    login_as(world.curator).post(R + "/partners/new", FACTORY)
    assert FACTORY["inn"] not in public_everywhere(client)
    login_as(world.operator).post(f"/records/partners/{partner(FACTORY['inn']).id}/publish")
    assert client.get("/api/v1/public/partners").get_json()[0]["inn"] == FACTORY["inn"]


def test_only_the_reviewers_of_its_organizations_publish_a_partner(world, login_as):
    login_as(world.curator).post(R + "/partners/new", IP)
    ip = partner(IP["inn"])
    for user in (world.curator, world.van_official, world.van_curator):
        assert login_as(user).post(f"/records/partners/{ip.id}/publish").status_code == 403, user.email
    assert IP["name"] not in login_as(world.van_official).get("/records/partners/review").get_data(as_text=True)
    assert login_as(world.khv_official).post(f"/records/partners/{ip.id + 1000}/publish").status_code == 404
    assert partner(IP["inn"]).status is PartnerStatus.proposed
    assert login_as(world.admin).post(f"/records/partners/{ip.id}/publish").status_code == 302
    assert partner(IP["inn"]).status is PartnerStatus.published


def test_another_spelling_is_a_proposal_the_reviewer_accepts(world, login_as, client):
    login_as(world.curator).post(R + "/partners/new", FACTORY)
    factory = partner(FACTORY["inn"])
    login_as(world.operator).post(f"/records/partners/{factory.id}/publish")
    login_as(world.dod_curator).post("/records/27-KHV-DOD/partners/new", {**FACTORY, "name": "ЗАВОД ИП Сидорова"})
    factory = partner(FACTORY["inn"])
    assert factory.name == "АО «Завод»" and factory.proposed_name == "ЗАВОД ИП Сидорова"
    own_list = login_as(world.curator).get(R + "/partners").get_data(as_text=True)
    assert "АО «Завод»" in own_list and "предложено наименование «ЗАВОД ИП Сидорова»" in own_list
    assert "Сидорова" not in public_everywhere(client)
    official = login_as(world.khv_official)
    queue = official.get("/records/partners/review?show=names").get_data(as_text=True)
    assert "Предложено наименование «ЗАВОД ИП Сидорова»" in queue
    assert official.post(f"/records/partners/{factory.id}/name/reject").status_code == 302
    factory = partner(FACTORY["inn"])
    assert (factory.name, factory.proposed_name) == ("АО «Завод»", "")
    # the same spelling with other spaces or case is no proposal at all
    login_as(world.dod_curator).post("/records/27-KHV-DOD/partners/new", {**FACTORY, "name": "ао  «ЗАВОД»"})
    assert partner(FACTORY["inn"]).proposed_name == ""
    login_as(world.dod_curator).post("/records/27-KHV-DOD/partners/new", {**FACTORY, "name": "АО «Завод» им. Ленина"})
    official.post(f"/records/partners/{factory.id}/name/accept")
    assert partner(FACTORY["inn"]).name == "АО «Завод» им. Ленина"
    assert "АО «Завод» им. Ленина" in public_everywhere(client)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_type == "partner")
                                 .order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("partner.") and "agreement" not in a] == [
        "partner.registered", "partner.published", "partner.name_proposed", "partner.name_rejected",
        "partner.name_proposed", "partner.renamed"]


def test_returning_needs_a_comment_and_takes_a_published_partner_down(world, login_as, client):
    login_as(world.curator).post(R + "/partners/new", FACTORY)
    factory = partner(FACTORY["inn"])
    official = login_as(world.khv_official)
    official.post(f"/records/partners/{factory.id}/publish")
    refused = official.post(f"/records/partners/{factory.id}/return", {"comment": ""}, follow_redirects=True)
    assert "Напишите, что не так" in refused.get_data(as_text=True)
    assert partner(FACTORY["inn"]).status is PartnerStatus.published
    official.post(f"/records/partners/{factory.id}/return", {"comment": "Это не партнёр школы"})
    assert partner(FACTORY["inn"]).status is PartnerStatus.returned
    assert FACTORY["name"] not in public_everywhere(client)
    assert "Это не партнёр школы" in login_as(world.curator).get(R + "/partners").get_data(as_text=True)
