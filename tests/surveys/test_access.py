"""surveys.access: the pages and the API load surveys and refuse them through the same functions, alike."""
import pytest

from registry.core.errors import NotFound, PermissionDenied
from surveys import access
from tests.api.helpers import assert_error
from tests.factories import YEAR
from tests.surveys.helpers import BASE, open_survey

PAGES = f"/campaigns/27/{YEAR}/surveys"


def test_web_and_api_refuse_a_survey_to_another_curator_alike(world, api_as, login_as):
    survey_id = open_survey(api_as(world.curator), world.school.code)["id"]
    refused = assert_error(api_as(world.dod_curator).post(f"{BASE}/surveys/{survey_id}/close"), 403, "forbidden")
    assert refused["message"] == access.NOT_CURATOR
    page = login_as(world.dod_curator).post(f"{PAGES}/{world.school.code}/{survey_id}/close")
    assert page.status_code == 403 and access.NOT_CURATOR in page.get_data(as_text=True)
    # the school's survey under the URL of the curator's own organization is not theirs either
    page = login_as(world.dod_curator).get(f"{PAGES}/{world.dod.code}/{survey_id}/qr.pdf")
    assert page.status_code == 403 and access.OUT_OF_SCOPE in page.get_data(as_text=True)
    assert api_as(world.curator).post(f"{BASE}/surveys/{survey_id}/close").status_code == 200


def test_web_and_api_answer_404_for_an_unknown_or_huge_survey_id(world, api_as, login_as):
    open_survey(api_as(world.curator), world.school.code)
    for survey_id in (999999, 2**40):
        assert_error(api_as(world.curator).get(f"{BASE}/surveys/{survey_id}"), 404, "not_found")
        page = login_as(world.curator).post(f"{PAGES}/{world.school.code}/{survey_id}/close")
        assert page.status_code == 404
    page = login_as(world.curator).post(f"{PAGES}/{world.school.code}/999999/close")
    assert "Опрос не найден в этой кампании." in page.get_data(as_text=True)


def test_the_loaders_and_predicates(world, app):
    with app.test_request_context():
        assert access.can_download_answers(world.khv_official) and not access.can_download_answers(world.curator)
        with pytest.raises(PermissionDenied, match=access.OFFICERS_ONLY):
            access.answers_unit(world.curator, world.campaign, world.school.code)
        assert access.answers_unit(world.khv_official, world.campaign, world.khv.code) == world.khv
        with pytest.raises(NotFound, match="Ссылка на анкету не найдена"):
            access.link_by_token("x" * 65)
