"""The under-5 rule (PRODUCT.md §10, issue 15): who sees a satisfaction percentage made of few respondents.

An organization's satisfaction % with fewer than MIN_SHOWN respondents is hidden from everyone except the region
and, when the curator typed the figure itself, that curator; it still counts in the respondent-weighted means
above (R10/R11).

A mean above hides nothing by itself, but a mean that one such organization dominates gives its % away (a
municipality of one organization; or one small organization beside others whose figures are shown: the
respondent counts are shown, so its % is the difference). So the rule is the same at every level:

    a percentage (an organization's, or an R10/R11 of any unit) is hidden when the organizations under
    MIN_SHOWN respondents it is made of have, together, between 1 and MIN_SHOWN − 1 respondents;

an organization alone is the case of one. Pooled, under-5 organizations with MIN_SHOWN respondents or more
together give away only their joint mean, the same protection as one organization at MIN_SHOWN. Region staff
(and admins) see everything; an organization's curator sees the percentages it typed, but a survey's only as
a count (PRODUCT.md §10).

Documents rendered for nobody in particular (stored form sets, built by the scheduler) follow the rule for
a viewer who is neither. Every page, API answer and download that shows R10/R11 or a survey % asks
`hidden_codes`; the `mask_*` helpers apply its answer.
"""
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from monitoring import aggregation
from monitoring.indicators import SURVEY_PAIRS
from monitoring.models import Snapshot
from registry.auth.models import Role, User
from registry.extensions import db

#: Fewer respondents than this: the organization's percentage is hidden from all but its curator and the region.
MIN_SHOWN = 5
#: survey percentage code → the indicator that is its respondent-weighted mean.
INDICATOR_OF = {"mentee_satisfaction_pct": "R10", "mentor_satisfaction_pct": "R11"}
HIDDEN_NOTE = f"скрыто ради анонимности: меньше {MIN_SHOWN} ответивших"


def small_respondents(respondents: float | None) -> float:
    """An organization's contribution to the pool of small ones: its respondents when under MIN_SHOWN, else 0."""
    return respondents if respondents and 0 < respondents < MIN_SHOWN else 0


def small_of_values(values: Mapping[str, float]) -> dict[str, float]:
    """percentage code → the small pool of one organization's values (its own respondents when under 5)."""
    return {pct: small_respondents(values.get(resp)) for pct, resp in SURVEY_PAIRS.items()}


def can_see_everything(user: User | None, campaign: Campaign, organization_id: int | None = None) -> bool:
    """Region staff; for one organization's own figures, also its curator, as long as they are figures it typed:
    a survey's percentage under MIN_SHOWN respondents is shown to the curator only as a count (PRODUCT.md §10),
    so once the organization ran a survey in the campaign its curator is judged like anyone below the region."""
    if user is None:
        return False
    if perms.can_see_region(user, campaign.region_id):
        return True
    return (organization_id is not None and user.role is Role.org_curator
            and user.organization_id == organization_id and not _ran_a_survey(campaign, organization_id))


def _ran_a_survey(campaign: Campaign, organization_id: int) -> bool:
    from surveys.models import Survey  # the models import monitoring's, which import this module's callers

    return db.session.scalar(sa.select(sa.exists().where(Survey.campaign_id == campaign.id,
                                                         Survey.organization_id == organization_id)))


def shows(user: User | None, campaign: Campaign, small: float, organization_id: int | None = None) -> bool:
    """THE rule: a percentage whose small pool is `small` respondents is shown to `user`."""
    return not (0 < small < MIN_SHOWN) or can_see_everything(user, campaign, organization_id)


def hidden_codes(user: User | None, campaign: Campaign, small: Mapping[str, float],
                 organization_id: int | None = None) -> set[str]:
    """The percentage codes (and their R10/R11) hidden from `user`, given each percentage's small pool.

    `organization_id`: set when the figures are that one organization's (its curator sees them).
    """
    hidden = {pct for pct, pool in small.items() if not shows(user, campaign, pool, organization_id)}
    return hidden | {INDICATOR_OF[pct] for pct in hidden}


def mask_values(values: Mapping, hidden: Iterable[str]) -> dict:
    """Values without the hidden percentages (their respondents stay)."""
    hidden = set(hidden)
    return {code: v for code, v in values.items() if code not in hidden}


def mask_indicators(indicators: Mapping[str, dict], hidden: Iterable[str]) -> dict:
    """Indicator blocks with a hidden R10/R11's value replaced by None and marked `hidden`."""
    hidden = set(hidden)
    return {code: ({**block, "value": None, "hidden": True, "reason": HIDDEN_NOTE} if code in hidden else block)
            for code, block in indicators.items()}


def mask_flat(indicators: Mapping[str, float | None], hidden: Iterable[str]) -> dict:
    """code → value indicators (no blocks) with the hidden ones None."""
    hidden = set(hidden)
    return {code: (None if code in hidden else v) for code, v in indicators.items()}


def hidden_in_source(user: User | None, campaign: Campaign, source, organization_id: int | None = None) -> set[str]:
    """hidden_codes for the figures of a source (monitoring.aggregation); no query for who sees everything."""
    if can_see_everything(user, campaign, organization_id):
        return set()
    return hidden_codes(user, campaign, aggregation.small_pools(source), organization_id)


def masked_summary(user: User | None, campaign: Campaign, snapshot: Snapshot) -> dict:
    """A snapshot's summary as `user` may see it: the hidden R10/R11 and Σ pct × respondents left out (over one
    small organization it is its % times a shown count), and, for all but who sees everything, the sums of
    percentages by organization type (meaningless, and beside the weighted sums they solve for each %)."""
    summary = snapshot.summary or {}
    if can_see_everything(user, campaign):
        return summary
    hidden = hidden_codes(user, campaign, aggregation.small_pools(aggregation.snapshot_source([snapshot.id])))
    masked = {**summary, "indicators": mask_indicators(summary.get("indicators", {}), hidden)}
    if "sums" in summary:
        sums = summary["sums"]
        masked["sums"] = {**sums, "weighted": mask_values(sums.get("weighted", {}), hidden),
                          "by_type": {kind: mask_values(values, SURVEY_PAIRS)
                                      for kind, values in (sums.get("by_type") or {}).items()}}
    return masked
