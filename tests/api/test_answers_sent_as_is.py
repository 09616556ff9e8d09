"""The list answers built as JSON directly (no second serialization pass, issue 18) keep their documented shape:
each one loads into its response schema and dumps back to the same JSON (ISO 8601 instants and dates, no field
missing or extra)."""
from monitoring.schemas import MemberSchema, QueueItemSchema, SubmissionSchema
from registry.mentoring.api_schemas import PersonOutSchema
from surveys.schemas import SurveySchema
from tests.api.helpers import BASE, submission_url
from tests.factories import VALID_VALUES
from tests.surveys.helpers import open_survey

ORG = "/api/v1/organizations/27-KHV-S1"


#: PersonOutSchema serves both kinds of records: the fields each kind leaves out
NOT_OF = {"mentors": {"full_cycle_completed"}, "mentees": {"position", "forms", "partner_inn"}}


def _same_through(schema, body: list, leave_out: set = frozenset()) -> None:
    assert body, "an empty list proves nothing"
    assert all(set(item) == set(schema.fields) - leave_out for item in body), (set(body[0]), set(schema.fields))
    assert schema.dump(schema.load(body)) == body


def test_lists_sent_as_is_match_their_schemas(world, api_as):
    curator, operator = api_as(world.curator), api_as(world.operator)
    assert curator.put(submission_url(world.school.code), json={"values": {"mentors_total": 3},
                                                               "version": 0}).status_code == 200
    open_survey(curator, world.school.code)
    for path, body in ((f"{ORG}/mentors", {"full_name": "Датова Нина", "birth_date": "1985-03-04",
                                           "category": "teacher", "position": "учитель",
                                           "forms": ["teacher_student"]}),
                       (f"{ORG}/mentees", {"full_name": "Датов Коля", "birth_date": "2009-01-01",
                                           "category": "student"})):
        assert curator.post(path, json=body).status_code == 201

    _same_through(MemberSchema(many=True), operator.get(f"{BASE}/members").get_json())
    queue = operator.get(f"{BASE}/submissions").get_json()
    assert any(item["updated_at"] for item in queue)
    _same_through(QueueItemSchema(many=True), queue)
    _same_through(SurveySchema(many=True), operator.get(f"{BASE}/surveys").get_json())
    for kind in ("mentors", "mentees"):
        records = curator.get(f"{ORG}/{kind}").get_json()
        assert any(r["birth_date"] for r in records)
        _same_through(PersonOutSchema(many=True), records, NOT_OF[kind])


def test_submission_answers_sent_as_is_match_their_schema(world, api_as):
    """Every submission answer built as JSON directly (issue 18) holds only SubmissionSchema's fields and dumps
    through it unchanged: the read, a save, a submit and each review, without and with a survey."""
    curator, official, schema = api_as(world.curator), api_as(world.khv_official), SubmissionSchema()
    school = "27-KHV-S1"
    url = submission_url(school)
    answers = [curator.put(url, json={"values": VALID_VALUES, "version": 0}), curator.get(url),
               curator.post(submission_url(school, "submit")), official.post(submission_url(school, "accept")),
               official.post(submission_url(school, "reopen"), json={}),
               official.post(submission_url(school, "return"), json={"comment": "Сверьте численность."})]
    open_survey(curator, school)
    answers += [curator.get(url), official.get(url)]
    assert "from_survey" in answers[-1].get_json()
    for response in answers:
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert set(body) <= set(schema.fields), set(body)
        assert schema.dump(body) == body
