"""Survey results and the submission's four survey fields that follow them (PRODUCT.md §10).

Per survey: respondents (answers stored) and the satisfaction percentage (mean of the answers' 0–100 scores).
While a submission is a draft its survey fields follow the survey; a save that types other figures for a kind
that has a survey is refused on that field; submitting writes the survey's figures into the submission.
"""
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import g, has_request_context

from deadlines.models import Campaign
from hierarchy.models import Organization
from registry.core.errors import ValidationFailed
from registry.extensions import db
from surveys import privacy
from surveys.models import Survey, SurveyAnswer, SurveyLink

#: kind → (respondents code, percentage code) of the submission.
FIELDS = {"mentee": ("mentee_survey_respondents", "mentee_satisfaction_pct"),
          "mentor": ("mentor_survey_respondents", "mentor_satisfaction_pct")}
SURVEY_CODES = frozenset(code for pair in FIELDS.values() for code in pair)
FROM_SURVEY = "из опроса"


@dataclass(frozen=True)
class Result:
    survey_id: int
    kind: str
    links: int
    respondents: int
    pct: float | None  # rounded to 0.1; None without respondents


def results(survey_ids: list[int]) -> dict[int, Result]:
    """Links, respondents and percentage of each survey, in one query."""
    if not survey_ids:
        return {}
    rows = db.session.execute(sa.select(Survey.id, Survey.kind, *result_columns()).where(Survey.id.in_(survey_ids)))
    return {row.id: result_of(row) for row in rows}


def result_columns() -> tuple:
    """Columns to read with a query of surveys: each survey's links, respondents and mean score, each counted by
    its survey's index entries (a region's 2,700 surveys: one query of 20–30 ms instead of a GROUP BY over each
    table by a list of ids)."""
    def of(table, value):
        return sa.select(value).where(table.survey_id == Survey.id).scalar_subquery()
    return (of(SurveyLink, sa.func.count()).label("links"), of(SurveyAnswer, sa.func.count()).label("respondents"),
            of(SurveyAnswer, sa.func.avg(SurveyAnswer.score)).label("mean"))


def result_of(row) -> Result:
    """The result of a row holding a survey's id, kind and `result_columns`."""
    return Result(row.id, row.kind, row.links, row.respondents,
                  None if row.mean is None else round(float(row.mean), 1))


@cache
def _survey_ids() -> sa.Select:
    """Every read and write of a submission asks it: built once, its SQL and cache key are reused."""
    return sa.select(Survey.id).where(Survey.campaign_id == sa.bindparam("campaign_id"),
                                      Survey.organization_id == sa.bindparam("organization_id"))


def _request_cache() -> dict:
    return g.setdefault("survey_results", {}) if has_request_context() else {}


def note_no_surveys(campaign_id: int, organization_id: int) -> None:
    """Tell this request's cache that the organization has no survey in the campaign, learnt by a query that
    loaded the organization anyway: organization_results then answers without a round trip of its own."""
    _request_cache()[("survey_results", campaign_id, organization_id)] = {}


def has_surveys(campaign_id, organization_id) -> sa.Exists:
    """A condition to read along with another query: the organization has a survey in the campaign."""
    return sa.exists().where(Survey.campaign_id == campaign_id, Survey.organization_id == organization_id)


def organization_results(campaign: Campaign, organization: Organization) -> dict[str, Result]:
    """kind → result, for the kinds that have a survey in this campaign (one query when none ran).

    Within a request the answer is kept (the save, the answer's description and its masking share it); a request
    that opens or answers a survey does not read it first.
    """
    key = ("survey_results", campaign.id, organization.id)
    cache = _request_cache()
    if key not in cache:
        ids = db.session.scalars(_survey_ids(), {"campaign_id": campaign.id,
                                                 "organization_id": organization.id}).all()
        cache[key] = {r.kind: r for r in results(list(ids)).values()}
    return cache[key]


def survey_values(by_kind: dict[str, Result]) -> dict[str, int | float]:
    """The submission's survey fields as the surveys give them (no percentage without respondents)."""
    values: dict[str, int | float] = {}
    for kind, result in by_kind.items():
        respondents, pct = FIELDS[kind]
        values[respondents] = result.respondents
        if result.pct is not None:
            values[pct] = int(result.pct) if float(result.pct).is_integer() else result.pct
    return values


def surveyed_codes(by_kind: dict[str, Result]) -> set[str]:
    return {code for kind in by_kind for code in FIELDS[kind]}


def overlay(values: dict, by_kind: dict[str, Result]) -> dict:
    """`values` with the survey fields of every surveyed kind replaced by the survey's figures."""
    merged = {code: v for code, v in values.items() if code not in surveyed_codes(by_kind)}
    merged.update(survey_values(by_kind))
    return dict(sorted(merged.items()))


def merged_values(campaign: Campaign, organization: Organization, values: dict) -> dict:
    """The values to save: survey fields filled from the survey; other typed figures for them are refused."""
    by_kind = organization_results(campaign, organization)
    if not by_kind:
        return values
    expected = survey_values(by_kind)
    errors = {}
    for code in surveyed_codes(by_kind):
        if code in values and not _same(values[code], expected.get(code)):
            shown = "нет ответов" if code not in expected else str(expected[code]).replace(".", ",")
            errors[code] = [f"Поле заполняется из опроса ({shown}); вручную его изменить нельзя."]
    if errors:
        raise ValidationFailed("Данные не сохранены: поля опроса заполняются из проведённого опроса.", errors)
    return overlay(values, by_kind)


def _same(given, expected) -> bool:
    if expected is None:
        return given is None
    try:
        return abs(float(given) - float(expected)) < 0.05
    except (TypeError, ValueError):
        return False


def hide_small(answer: dict, user, campaign: Campaign, organization: Organization) -> dict:
    """A submission's answer without the percentages `user` may not see (the under-5 rule, surveys.privacy):
    judged by the respondents in the answer's own values, whether a survey or the curator filled them. The
    curator sees the percentages it typed, but a survey's under MIN_SHOWN respondents only as a count
    (PRODUCT.md §10: the answers must stay anonymous to the very person who handed out the links)."""
    hidden = privacy.hidden_codes(user, campaign, privacy.small_of_values(answer["values"]), organization.id)
    if not privacy.can_see_everything(user, campaign):
        hidden |= {FIELDS[kind][1] for kind, result in organization_results(campaign, organization).items()
                   if privacy.small_respondents(result.respondents)}
    if not hidden:
        return answer
    return {**answer, "values": privacy.mask_values(answer["values"], hidden)}
