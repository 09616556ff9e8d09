"""The kinds of organization documents the methodology requires, and the roadmap review states."""
from enum import StrEnum


class DocumentKind(StrEnum):
    introduction_act = "introduction_act"
    regulation = "regulation"
    roadmap = "roadmap"
    curator_order = "curator_order"
    pairs_order = "pairs_order"


KIND_LABELS = {
    DocumentKind.introduction_act: "Распорядительный акт о внедрении целевой модели наставничества",
    DocumentKind.regulation: "Положение о наставничестве",
    DocumentKind.roadmap: "Дорожная карта внедрения целевой модели",
    DocumentKind.curator_order: "Приказ о назначении куратора",
    DocumentKind.pairs_order: "Приказ о закреплении наставнических пар (групп)",
}
#: Short column headings for the summaries.
KIND_SHORT = {
    DocumentKind.introduction_act: "Акт о внедрении",
    DocumentKind.regulation: "Положение",
    DocumentKind.roadmap: "Дорожная карта",
    DocumentKind.curator_order: "Приказ о кураторе",
    DocumentKind.pairs_order: "Приказ о парах",
}


class ReviewStatus(StrEnum):
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


REVIEW_LABELS = {ReviewStatus.submitted: "на согласовании", ReviewStatus.approved: "утверждена",
                 ReviewStatus.returned: "возвращена на доработку"}
