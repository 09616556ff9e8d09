"""Who sees which mentoring records, in one place for the pages and the API (PRODUCT.md §9).

Three kinds of functions, one module each: loaders raise NotFound (an unknown or foreign id) and PermissionDenied
(out of scope) (`loaders`); `can_*` are predicates (`rules`); `visible_*` build the scoped queries of the lists
(`visible`). Callers import this package, `from registry.mentoring import access`, and call `access.<name>`: the web
views and the API views call the same functions. A mentee's data is shown only inside the mentee's own scope.
"""
from registry.mentoring.access.loaders import (
    agreement_of,
    award_of,
    consent_of,
    editable_organization,
    external_mentor,
    pair_seen_by,
    partner_of,
    record_of,
    registry_region,
    reviewable_partner,
    reviewable_practice,
    viewable_organization,
)
from registry.mentoring.access.rules import (
    CURATOR_ONLY,
    OUT_OF_SCOPE,
    can_edit_records,
    can_review_partner,
    can_review_practice,
    can_review_practices,
    can_see_full_snils,
    can_view_records,
    can_view_registry,
    own_organization,
    snils_for,
)
from registry.mentoring.access.visible import (
    pairs_of_organization,
    partners_reviewed_by,
    record_counts,
    scoped_organizations,
    visible_agreements,
    visible_mentees,
    visible_mentors,
    visible_org_pairs,
    visible_organizations,
    visible_pairs,
    visible_partner_reviews,
    visible_partners,
    visible_practice_reviews,
    visible_records,
)

__all__ = [
    "CURATOR_ONLY", "OUT_OF_SCOPE", "agreement_of", "award_of", "can_edit_records", "can_review_partner",
    "can_review_practice", "can_review_practices", "can_see_full_snils", "can_view_records", "can_view_registry",
    "consent_of", "editable_organization", "external_mentor", "own_organization",
    "pair_seen_by", "pairs_of_organization", "partner_of", "partners_reviewed_by", "record_counts", "record_of",
    "registry_region", "reviewable_partner", "reviewable_practice", "scoped_organizations", "snils_for",
    "viewable_organization",
    "visible_agreements", "visible_mentees", "visible_mentors", "visible_org_pairs", "visible_organizations",
    "visible_pairs", "visible_partner_reviews", "visible_partners", "visible_practice_reviews", "visible_records",
]
