"""Demo partners: fictional but plausible enterprises and other partners of the Khabarovsk krai, with ИНН valid by
the ФНС checksum, linked to the demo organizations by agreements and reviewed as the partner workflow requires
(most published, one waiting for review, one returned with a comment). Names are invented for the demo."""
import random
from dataclasses import dataclass
from datetime import date

from hierarchy.models import Organization
from registry.mentoring.models import Partner, PartnerAgreement
from registry.mentoring.services import partner_review
from registry.mentoring.services import partners as partner_services
from registry.mentoring.text import inn_error
from registry.mentoring.vocab import AgreementKind, PartnerKind

E, N, C, U, OTHER = (PartnerKind.enterprise, PartnerKind.ngo, PartnerKind.culture_sport, PartnerKind.university,
                     PartnerKind.other)
#: (name, kind, municipality where it works). An individual entrepreneur («ИП») gets a 12-digit ИНН.
CATALOGUE = (
    ("ООО «Хабаровский завод металлоконструкций»", E, "27-KHV"),
    ("АО «Дальневосточная энергосервисная компания»", E, "27-KHV"),
    ("ООО «Амурский хлебокомбинат»", E, "27-KHV"),
    ("ООО «ДВ-Автосервис»", E, "27-KHV"),
    ("ООО «Амурская судоремонтная верфь»", E, "27-KHV"),
    ("АО «Хабаровское авиаремонтное предприятие»", E, "27-KHV"),
    ("ООО «ДальТехСтрой»", E, "27-KHV"),
    ("ООО «Цифровые решения Востока»", E, "27-KHV"),
    ("АО «Комсомольский механический завод»", E, "27-KMS"),
    ("ООО «Комсомольская металлообработка»", E, "27-KMS"),
    ("ООО «Авиакомпоненты Приамурья»", E, "27-KMS"),
    ("ООО «Ванинский морской терминал»", E, "27-VAN"),
    ("ООО «Ванинская стивидорная компания»", E, "27-VAN"),
    ("ООО «Совгаваньский рыбокомбинат»", E, "27-SGV"),
    ("ООО «Ургальская угольная компания»", E, "27-VBR"),
    ("ООО «Чегдомынская ремонтно-механическая база»", E, "27-VBR"),
    ("ООО «Амурский лесопромышленный комплекс»", E, "27-AMU"),
    ("ООО «Николаевская рыболовецкая компания»", E, "27-NIK"),
    ("ООО «Бикинский деревообрабатывающий комбинат»", E, "27-BIK"),
    ("ООО «Переяславская агрофирма»", E, "27-LAZ"),
    ("ООО «Хехцирский тепличный комбинат»", E, "27-KHR"),
    ("ООО «Вяземский молочный завод»", E, "27-VYA"),
    ("ИП Гончаров Алексей Викторович (автомастерская)", E, "27-KHV"),
    ("АНО «Центр добровольчества Приамурья»", N, "27-KHV"),
    ("Хабаровская краевая общественная организация «Союз молодых наставников»", N, "27-KHV"),
    ("АНО «Комсомольский центр социальных инициатив»", N, "27-KMS"),
    ("АНО «Ванинский центр семейных инициатив»", N, "27-VAN"),
    ("МБУ «Спортивная школа «Олимпиец»", C, "27-KHV"),
    ("МБУК «Дом культуры «Юность»", C, "27-KMS"),
    ("МБУК «Районный культурный центр «Родник»", C, "27-AMU"),
    ("ФГБОУ ВО «Приамурский технический университет»", U, "27-KHV"),
    ("ФГБОУ ВО «Комсомольский-на-Амуре инженерный университет»", U, "27-KMS"),
    ("Региональное отделение общественного движения «Юные инженеры Приамурья»", OTHER, "27-KHV"),
)
#: Status in the review workflow for the partners that are not published.
WAITING = "ООО «Цифровые решения Востока»"
RETURNED = ("ООО «Вяземский молочный завод»", "Уточните полное наименование по выписке из ЕГРЮЛ: в соглашении "
            "указано сокращённое.")
#: Tax office codes (first four digits of the ИНН) of the municipalities; others use the krai's default.
_TAX_OFFICES = {"27-KHV": ("2721", "2722", "2723", "2724"), "27-KMS": ("2703",), "27-AMU": ("2706",),
                "27-VAN": ("2709",), "27-VBR": ("2710",), "27-SGV": ("2704",), "27-NIK": ("2705",),
                "27-BIK": ("2707",), "27-LAZ": ("2713",), "27-KHR": ("2720",), "27-VYA": ("2711",)}


def inn(rng: random.Random, municipality: str, *, individual: bool = False) -> str:
    """A ИНН of the municipality's tax office whose control digit(s) pass the ФНС check (registry's inn_error)."""
    body = rng.choice(_TAX_OFFICES.get(municipality, ("2720",))) + "".join(
        str(rng.randint(0, 9)) for _ in range(6 if individual else 5))
    tails = [f"{n:02d}" for n in range(100)] if individual else [str(n) for n in range(10)]
    return next(body + tail for tail in tails if inn_error(body + tail) is None)


@dataclass(frozen=True)
class Entry:
    name: str
    kind: PartnerKind
    municipality: str
    inn: str


def catalogue() -> list[Entry]:
    return [Entry(name, kind, where, inn(random.Random(f"inn:{name}"), where, individual=name.startswith("ИП ")))
            for name, kind, where in CATALOGUE]


def choose(rng: random.Random, org_type: str, municipality: str, entries: list[Entry]) -> list[Entry]:
    """The partners an organization works with: local ones first, the krai capital's otherwise."""
    local = [e for e in entries if e.municipality == municipality] or [e for e in entries if e.municipality == "27-KHV"]
    capital = [e for e in entries if e.municipality == "27-KHV"]
    enterprises = [e for e in local if e.kind is E] or [e for e in capital if e.kind is E]
    others = [e for e in local if e.kind is not E] or [e for e in capital if e.kind is not E]
    wanted_enterprises = {"vocational": rng.randint(4, 6), "general": rng.randint(1, 2)}.get(org_type, 1)
    chosen = rng.sample(enterprises, min(wanted_enterprises, len(enterprises)))
    if len(chosen) < wanted_enterprises:  # a college also works with the capital's large enterprises
        rest = [e for e in capital if e.kind is E and e not in chosen]
        chosen += rng.sample(rest, min(wanted_enterprises - len(chosen), len(rest)))
    chosen += rng.sample(others, min(rng.randint(1, 2), len(others)))
    return chosen


def seed(story, plans: dict[str, list[Entry]]) -> dict[tuple[str, str], PartnerAgreement]:
    """Register the chosen partners through the agreement service, then review them; (org code, ИНН) → agreement.
    Caller commits."""
    year, clock = story.year, story.clock
    agreements: dict[tuple[str, str], PartnerAgreement] = {}
    orgs = {o.code: o for o in story.organizations}
    for code, entries in plans.items():
        org: Organization = orgs[code]
        rng = random.Random(f"agreements:{code}")
        curator = story.curators.get(org.id)
        for entry in entries:
            kind = AgreementKind.dual if entry.kind is E and org.org_type.value == "vocational" else (
                AgreementKind.cooperation if entry.kind is E else rng.choice((AgreementKind.social,
                                                                               AgreementKind.network)))
            signed = date(year - rng.randint(1, 3), rng.randint(1, 8), rng.randint(1, 28))
            agreements[(code, entry.inn)] = partner_services.add_agreement(org, {
                "inn": entry.inn, "name": entry.name, "partner_kind": entry.kind, "kind": kind,
                "number": f"{rng.randint(3, 140)}-С/{signed.year % 100:02d}", "signed_on": signed,
                "valid_until": date(signed.year + 5, signed.month, signed.day), "mentors_provided": 0,
            }, actor=curator)
    operator = story.users["operator"]
    for agreement in {a.partner_id: a for a in agreements.values()}.values():
        partner: Partner = agreement.partner
        if partner.name == WAITING:
            continue
        when = clock.at(year, 9, random.Random(f"review:{partner.inn}").randint(2, 25))
        if partner.name == RETURNED[0]:
            partner_review.return_partner(partner, RETURNED[1], actor=operator, now=when)
        else:
            partner_review.publish(partner, actor=operator, now=when)
    return agreements

