"""The requisites printed in a form's header (name, code, type, where it reports): from the live hierarchy, or
as a snapshot froze them (a later rename does not rewrite a filed form)."""
from exports.tables import UnitInfo
from hierarchy.models import ORG_TYPE_LABELS, Municipality, Organization, OrgType, Region
from monitoring.models import CampaignMember, Snapshot


def unit_info(unit: Region | Municipality | Organization, member: CampaignMember | None = None) -> UnitInfo:
    """The unit's name, code and the requisites printed in a form's header, from the live hierarchy."""
    if isinstance(unit, Region):
        return region_info(unit.code, unit.name)
    if isinstance(unit, Municipality):
        return municipality_info(unit.code, unit.name, unit.region.name)
    parent = member.reporting_municipality if member is not None else None
    org_type = member.org_type if member is not None else unit.org_type
    return organization_info(unit.code, unit.name, org_type, unit.location.name,
                             parent.name if parent is not None else None, unit.region.name)


def region_info(code: str, name: str) -> UnitInfo:
    return UnitInfo(code, "region", name, (("Субъект Российской Федерации", name), ("Код субъекта", code)))


def municipality_info(code: str, name: str, region: str) -> UnitInfo:
    return UnitInfo(code, "municipality", name, (
        ("Муниципальное образование", name), ("Код в реестре", code), ("Субъект Российской Федерации", region)))


def organization_info(code: str, name: str, org_type, location: str, reporting: str | None,
                      region: str) -> UnitInfo:
    reviewer = reporting if reporting is not None else "региональный оператор (организация регионального подчинения)"
    return UnitInfo(code, "organization", name, (
        ("Наименование организации", name), ("Код в реестре", code),
        ("Тип организации", ORG_TYPE_LABELS[OrgType(getattr(org_type, "value", org_type))]),
        ("Место нахождения", location), ("Представляет отчёт", reviewer), ("Субъект Российской Федерации", region)))


def organization_unit_info(org: Organization, member: CampaignMember | None, frozen: dict | None) -> UnitInfo:
    """The organization's header as frozen when known, else (a snapshot older than frozen names) the live one."""
    if frozen is None:
        return unit_info(org, member)
    return organization_info(frozen["code"], frozen["name"], frozen["org_type"], frozen["location"],
                             frozen["reporting"], frozen["region"])


def consolidated_info(unit: Region | Municipality, snapshot: Snapshot) -> UnitInfo:
    """The snapshot's own unit under the names it had when frozen (a later rename does not rewrite the form);
    the live region's name for a municipal snapshot frozen before names were kept."""
    summary = snapshot.summary or {}
    name = summary.get("unit", {}).get("name") or unit.name
    if isinstance(unit, Region):
        return region_info(unit.code, name)
    return municipality_info(unit.code, name, (summary.get("names") or {}).get("region") or unit.region.name)
