"""The anonymous answers of the surveys in a unit's scope as XLSX or CSV (text neutralised against formulas).

One row per answer and question; answers are numbered within the file, never by their database id. A survey of
fewer than MIN_SHOWN respondents is left out for everyone but the region (its answers would give its percentage).
"""
import csv
import io

import sqlalchemy as sa
from openpyxl import Workbook

from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization, Region, Unit
from monitoring.models import CampaignMember
from registry.auth.models import User
from registry.core.cells import cell
from registry.core.xlsx import BOLD, put, workbook_bytes
from registry.extensions import db
from surveys import privacy, questionnaires
from surveys.models import Survey, SurveyAnswer
from surveys.questionnaires import KIND_LABELS
from surveys.results import results

HEADER = ("Код организации", "Организация", "Опрос", "Анкета №", "Оценка, %", "Вопрос", "Ответ")
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def _surveys(campaign: Campaign, unit: Unit) -> sa.Select:
    query = (sa.select(Survey, Organization).join(Organization, Organization.id == Survey.organization_id)
             .join(CampaignMember, sa.and_(CampaignMember.campaign_id == Survey.campaign_id,
                                           CampaignMember.organization_id == Survey.organization_id))
             .where(Survey.campaign_id == campaign.id).order_by(Organization.code, Survey.kind))
    if isinstance(unit, Municipality):
        return query.where(CampaignMember.reporting_municipality_id == unit.id)
    if isinstance(unit, Organization):
        return query.where(Survey.organization_id == unit.id)
    return query


def rows(user: User, campaign: Campaign, unit: Unit) -> list[tuple]:
    found = db.session.execute(_surveys(campaign, unit)).all()
    counts = results([s.id for s, _ in found])
    out = []
    for survey, org in found:
        small = privacy.small_respondents(counts[survey.id].respondents)
        if not privacy.shows(user, campaign, small, survey.organization_id):  # its answers would give its %
            continue
        questionnaire = questionnaires.questionnaire(survey.kind)
        options = {q.id: dict(q.options) for q in questionnaire.questions}
        answers = db.session.execute(sa.select(SurveyAnswer.score, SurveyAnswer.answers)
                                     .where(SurveyAnswer.survey_id == survey.id).order_by(SurveyAnswer.id))
        for number, (score, given) in enumerate(answers, start=1):
            for q in questionnaire.questions:
                if q.id not in given:
                    continue
                value = options[q.id].get(given[q.id], given[q.id]) if q.type == "choice" else given[q.id]
                out.append((org.code, org.name, KIND_LABELS[survey.kind], number,
                            None if score is None else round(score, 1), q.text, value))
    return out


def render(user: User, campaign: Campaign, unit: Unit, fmt: str) -> bytes:
    data = rows(user, campaign, unit)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([cell(v) for v in row] for row in data)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ответы"
    for column, title in enumerate(HEADER, start=1):
        put(sheet, 1, column, title, font=BOLD)
    for r, row in enumerate(data, start=2):
        for column, value in enumerate(row, start=1):
            put(sheet, r, column, value)
    return workbook_bytes(workbook, None)


def file_name(campaign: Campaign, unit: Unit, fmt: str) -> str:
    level = "region" if isinstance(unit, Region) else "unit"
    return f"survey-answers-{campaign.year}-{unit.code if level == 'unit' else campaign.region.code}.{fmt}"
