"""Vocabularies of the mentoring records, with their Russian labels (SEEDS_DIGEST §5, §6.1)."""
from enum import StrEnum


class MentorCategory(StrEnum):
    """The four categories the monitoring form counts mentors by (PRODUCT.md §4 mentors_*)."""

    teacher = "teacher"
    student = "student"
    employer = "employer"
    social_partner = "social_partner"


MENTOR_CATEGORY_LABELS = {
    MentorCategory.teacher: "педагог (учитель, мастер п/о, тьютор, специалист)",
    MentorCategory.student: "обучающийся (ученик, студент)",
    MentorCategory.employer: "представитель работодателя",
    MentorCategory.social_partner: "представитель социального партнёра",
}


class MenteeCategory(StrEnum):
    student = "student"
    young_teacher = "young_teacher"  #: до 35 лет, первые три года работы (R7)
    teacher = "teacher"  #: other teachers: after a break, without pedagogical education, with difficulties


MENTEE_CATEGORY_LABELS = {
    MenteeCategory.student: "обучающийся",
    MenteeCategory.young_teacher: "молодой педагог (до 35 лет, первые 3 года работы)",
    MenteeCategory.teacher: "педагог (другие категории)",
}


class Form(StrEnum):
    """The five regional priority forms (003 §4); codes match the monitoring form's mentees_form_* fields."""

    student_student = "student_student"
    teacher_teacher = "teacher_teacher"
    teacher_student = "teacher_student"
    student_pupil = "student_pupil"
    employer_student = "employer_student"


FORM_LABELS = {
    Form.student_student: "ученик — ученик (студент — студент)",
    Form.teacher_teacher: "учитель — учитель (педагог — педагог)",
    Form.teacher_student: "учитель — ученик (педагог — студент)",
    Form.student_pupil: "студент — ученик",
    Form.employer_student: "работодатель — ученик (студент)",
}
#: Forms are stored on a mentor as a bit mask, so the public filter is one integer test on any engine.
FORM_BITS = {form: 1 << i for i, form in enumerate(Form)}

#: Role models and sub-forms (003 §4.1–§4.5): code → (label, form it belongs to).
ROLE_MODELS = {
    "achiever_underachiever": ("успевающий — неуспевающий", Form.student_student),
    "leader_passive": ("лидер — пассивный", Form.student_student),
    "peer_to_peer": ("равный — равному", Form.student_student),
    "joint_project": ("совместная работа над проектом", Form.student_student),
    "young_specialist": ("опытный педагог — молодой специалист", Form.teacher_teacher),
    "new_specialist": ("опытный педагог — новый сотрудник", Form.teacher_teacher),
    "gifted": ("учитель — высокомотивированный ученик", Form.teacher_student),
    "disabilities": ("учитель — ученик с ОВЗ", Form.teacher_student),
    "at_risk": ("учитель — обучающийся группы риска", Form.teacher_student),
    "passive_pupil": ("студент — пассивный ученик", Form.student_pupil),
    "active_pupil": ("студент — активный ученик", Form.student_pupil),
    "employer_pupil": ("работодатель — ученик", Form.employer_student),
    "employer_student": ("работодатель — студент", Form.employer_student),
    "social_partner": ("социальный партнёр — ученик (студент)", Form.employer_student),
}


class Kind(StrEnum):
    """Type of mentoring (003 §3.2.3; 004 §9.1.3)."""

    traditional = "traditional"
    situational = "situational"
    flash = "flash"
    short_term = "short_term"
    group = "group"
    reverse = "reverse"
    virtual = "virtual"


KIND_LABELS = {
    Kind.traditional: "традиционное («один на один»)",
    Kind.situational: "ситуационное",
    Kind.flash: "флеш-наставничество",
    Kind.short_term: "краткосрочное",
    Kind.group: "групповое",
    Kind.reverse: "реверсивное",
    Kind.virtual: "виртуальное (дистанционное)",
}


class PairStatus(StrEnum):
    """The pair/group lifecycle (SEEDS_DIGEST §5.5), reduced to the states a registry must tell apart."""

    forming = "forming"  #: matching in progress (steps 1–4)
    approved = "approved"  #: fixed by the head's order (step 5)
    active = "active"  #: working (step 6)
    completed = "completed"  #: full programme finished (step 10)
    terminated = "terminated"  #: ended early


PAIR_STATUS_LABELS = {
    PairStatus.forming: "формируется",
    PairStatus.approved: "утверждена приказом",
    PairStatus.active: "работает",
    PairStatus.completed: "завершена",
    PairStatus.terminated: "прекращена досрочно",
}
PAIR_TRANSITIONS = {
    PairStatus.forming: {PairStatus.approved, PairStatus.terminated},
    PairStatus.approved: {PairStatus.active, PairStatus.terminated},
    PairStatus.active: {PairStatus.completed, PairStatus.terminated},
    PairStatus.completed: set(),
    PairStatus.terminated: set(),
}
#: Statuses in which a pair counts as "involved in mentoring" for the monitoring form.
INVOLVED = (PairStatus.approved, PairStatus.active, PairStatus.completed)


class ReplacementReason(StrEnum):
    """Why a mentor leaves a pair (004 §4.7)."""

    dismissal = "dismissal"
    transfer = "transfer"
    disciplinary = "disciplinary"
    incompatibility = "incompatibility"
    other = "other"


REPLACEMENT_REASON_LABELS = {
    ReplacementReason.dismissal: "увольнение наставника",
    ReplacementReason.transfer: "перевод наставника или наставляемого на другую работу",
    ReplacementReason.disciplinary: "привлечение наставника к дисциплинарной ответственности",
    ReplacementReason.incompatibility: "психологическая несовместимость",
    ReplacementReason.other: "другая причина",
}


class ConsentKind(StrEnum):
    processing = "processing"  #: обработка персональных данных (152-ФЗ ст. 9)
    publication = "publication"  #: распространение (152-ФЗ ст. 10.1): a separate consent naming fields


CONSENT_KIND_LABELS = {
    ConsentKind.processing: "на обработку персональных данных",
    ConsentKind.publication: "на публикацию (распространение) в открытом реестре",
}


class GivenBy(StrEnum):
    subject = "subject"
    guardian = "guardian"  #: законный представитель несовершеннолетнего


#: Fields a mentor may agree to publish, in display order (PRODUCT.md §6).
PUBLIC_FIELDS = {
    "full_name": "фамилия, имя, отчество",
    "position": "должность",
    "organization": "организация и муниципалитет",
    "category": "категория наставника",
    "forms": "формы наставничества",
    "competences": "компетенции",
    "achievements": "достижения",
    "awards": "награды",
}


class AwardTitle(StrEnum):
    honorary_mentor = "honorary_mentor"
    for_mentoring = "for_mentoring"
    youth_professionalism = "youth_professionalism"
    best_mentor = "best_mentor"
    other = "other"


AWARD_LABELS = {
    AwardTitle.honorary_mentor: "Почётный наставник",
    AwardTitle.for_mentoring: "За наставничество",
    AwardTitle.youth_professionalism: "Молодость и профессионализм",
    AwardTitle.best_mentor: "Лучший наставник образовательной организации",
    AwardTitle.other: "другая награда",
}


class PartnerKind(StrEnum):
    enterprise = "enterprise"
    ngo = "ngo"
    culture_sport = "culture_sport"
    university = "university"
    other = "other"


PARTNER_KIND_LABELS = {
    PartnerKind.enterprise: "предприятие (работодатель)",
    PartnerKind.ngo: "НКО",
    PartnerKind.culture_sport: "учреждение культуры и спорта",
    PartnerKind.university: "вуз",
    PartnerKind.other: "другое",
}
#: Only enterprises count in R9 and in partner_enterprises_with_mentors (PRODUCT.md §8).
COUNTED_IN_R9 = PartnerKind.enterprise
#: Shown where a partner's kind is not known (rows registered before kinds were asked, PRODUCT.md §8).
UNKNOWN_PARTNER_KIND = "вид не указан"


def partner_kind_of(text: str) -> PartnerKind | None:
    """A partner kind from its code (enterprise…) or its Russian label («НКО», «вуз»…), any case; else None."""
    wanted = " ".join(str(text).split()).lower().replace("ё", "е")
    for kind, label in PARTNER_KIND_LABELS.items():
        short = label.split(" (")[0]
        if wanted in (kind.value, label.lower().replace("ё", "е"), short.lower().replace("ё", "е")):
            return kind
    return None


class PartnerStatus(StrEnum):
    """A partner's place in the public registry: reviewed by the municipality or the region before it is shown."""

    proposed = "proposed"
    published = "published"
    returned = "returned"


PARTNER_STATUS_LABELS = {
    PartnerStatus.proposed: "на рассмотрении",
    PartnerStatus.published: "опубликован",
    PartnerStatus.returned: "не опубликован (возвращён)",
}


class AgreementKind(StrEnum):
    dual = "dual"
    practice = "practice"
    network = "network"
    cooperation = "cooperation"
    social = "social"


AGREEMENT_KIND_LABELS = {
    AgreementKind.dual: "дуальное обучение",
    AgreementKind.practice: "производственная практика",
    AgreementKind.network: "сетевой договор",
    AgreementKind.cooperation: "договор о сотрудничестве",
    AgreementKind.social: "социальное партнёрство",
}


class PracticeStatus(StrEnum):
    draft = "draft"
    proposed = "proposed"
    published = "published"
    returned = "returned"


PRACTICE_STATUS_LABELS = {
    PracticeStatus.draft: "черновик",
    PracticeStatus.proposed: "на рассмотрении",
    PracticeStatus.published: "опубликована",
    PracticeStatus.returned: "возвращена на доработку",
}


def forms_of(mask: int) -> list[Form]:
    """The forms set in a bit mask, in the canonical order."""
    return [form for form, bit in FORM_BITS.items() if mask & bit]


def mask_of(forms) -> int:
    mask = 0
    for form in forms:
        mask |= FORM_BITS[Form(form)]
    return mask
