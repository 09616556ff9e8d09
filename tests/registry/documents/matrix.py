"""Rows of the authorization matrix (tests/test_scope_matrix.py) for documents, programmes and plans."""
from datetime import date

from registry.documents import services as documents
from registry.documents.vocab import DocumentKind
from registry.extensions import db
from registry.mentoring.models import MentoringPair
from registry.mentoring.vocab import Form
from registry.programmes import services as programmes
from tests.registry.documents import files

R = "/records/27-KHV-S1"
PROGRAMME = {"title": "Программа", "goal": "ц", "tasks": "з", "audience": "а", "work_plan": "п",
             "expected_results": "р"}


def build(world, pair_id: int) -> dict:
    """A submitted roadmap, a programme and a plan item of the KHV school (whose matrix pair is `pair_id`)."""
    documents.upload(world.school, DocumentKind.roadmap, number="1", signed_on=date(2025, 9, 1), filename="к.pdf",
                     data=files.pdf(), actor=world.curator)
    programme = programmes.create_programme(world.school, {**PROGRAMME, "form": Form.teacher_student.value},
                                            actor=world.curator)
    pair = db.session.get(MentoringPair, pair_id)
    item = programmes.add_plan_item(pair, {"kind": "goal", "text": "ц", "start_on": "2025-09-01",
                                           "due_on": "2025-12-01"}, actor=world.curator)
    db.session.commit()
    return {"programme_id": programme.id, "plan_item_id": item.id}


def rows(everyone: set, region: set) -> dict:
    viewers = region | {"khv_official", "curator"}
    curator = {"curator"}
    d, p = R + "/documents", R + "/pairs/{pair_id}"
    upload = {"number": "2", "signed_on": "2025-09-01"}  # no file: the curator is answered 422, others 403
    return {
        ("documents.document_list", "GET"): (d, None, viewers),
        ("documents.document_upload", "POST"): (d + "/regulation", upload, curator),
        ("documents.document_download", "GET"): (d + "/roadmap/v1", None, viewers),
        ("documents.roadmap_approve", "POST"): (d + "/roadmap/v1/approve", {}, region | {"khv_official"}),
        ("documents.roadmap_return", "POST"): (d + "/roadmap/v1/return", {"comment": "x"}, region | {"khv_official"}),
        ("documents.summary", "GET"): ("/documents/27-KHV", None, region | {"khv_official"}),
        ("programmes.programme_list", "GET"): (R + "/programmes", None, viewers),
        ("programmes.programme_create", "GET"): (R + "/programmes/new", None, curator),
        ("programmes.programme_create", "POST"): (R + "/programmes/new", {}, curator),
        ("programmes.programme_edit", "GET"): (R + "/programmes/{programme_id}", None, viewers),
        ("programmes.programme_edit", "POST"): (R + "/programmes/{programme_id}", PROGRAMME, curator),
        ("programmes.pair_plan", "GET"): (p + "/plan", None, viewers),
        ("programmes.pair_programme", "POST"): (p + "/programme", {"programme_id": "{programme_id}"}, curator),
        ("programmes.plan_item_add", "POST"): (p + "/plan", {}, curator),
        ("programmes.plan_item_done", "POST"): (p + "/plan/{plan_item_id}/done", {"done": "1"}, curator),
    }
