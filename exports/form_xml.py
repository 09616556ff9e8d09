"""The statistics form as XML in the manner of Rosstat's electronic reports: report → title items → sections →
coded rows → columns, with the form's control formulas and their results alongside (schema: forms/report.xsd)."""
import xml.etree.ElementTree as ET

from exports import formatting as fmt
from exports.tables import FilledForm, plain_number

NAMESPACE = "urn:mentoring-registry:statistics-report:1"
SCHEMA_VERSION = "1"


def _num(value: float | None) -> str:
    plain = plain_number(value)
    return "" if plain is None else repr(plain) if isinstance(plain, float) else str(plain)


def _status(passed: bool | None) -> str:
    return "not_checked" if passed is None else "passed" if passed else "failed"


def render_form_xml(form: FilledForm) -> bytes:
    """UTF-8 XML; cells without a value are omitted, as in Rosstat reports."""
    d, basis = form.definition, form.basis
    root = ET.Element("report", {
        "xmlns": NAMESPACE, "schemaVersion": SCHEMA_VERSION, "code": d.code, "form": d.form_number,
        "version": d.version, "okud": d.okud or "", "year": str(form.year), "period": "год",
        "level": form.unit.level, "consolidated": "true" if form.consolidated else "false"})
    title = ET.SubElement(root, "title")
    ET.SubElement(title, "item", {"name": "Наименование формы", "value": d.title})
    ET.SubElement(title, "item", {"name": "Код подразделения", "value": form.unit.code})
    for label, value in form.unit.requisites:
        ET.SubElement(title, "item", {"name": label, "value": value})
    source = ET.SubElement(root, "basis", {"preliminary": "true" if basis.preliminary else "false",
                                           "checksum": form.checksum})
    if basis.snapshot_id is not None:
        source.set("snapshotId", str(basis.snapshot_id))
        source.set("snapshotVersion", str(basis.snapshot_version))
        source.set("frozenAt", basis.frozen_at.isoformat())
    source.text = basis.description
    columns = ET.SubElement(root, "columns")
    for column in d.data_columns:
        ET.SubElement(columns, "column", {"code": column.code, "name": column.title,
                                          **({"group": column.group} if column.group else {})})
    sections = ET.SubElement(root, "sections")
    definition_sections = {s.code: s for s in d.sections}
    for section in form.sections:
        node = ET.SubElement(sections, "section", {"code": section.code, "name": section.title})
        for row in section.rows:
            row_node = ET.SubElement(node, "row", {"code": row.code, "name": row.title})
            for cell in row.cells:
                if cell.formula is not None and cell.value is not None:
                    col = ET.SubElement(row_node, "col", {"code": cell.column, "formula": cell.formula})
                    col.text = _num(cell.value)
        controls = ET.SubElement(node, "controls")
        for control in definition_sections[section.code].controls:
            c_node = ET.SubElement(controls, "control", {
                "id": control.id, "name": control.text, "left": control.left.source, "op": control.op,
                "right": control.right.source, "over": control.over, "scope": " ".join(control.scope)})
            for check in form.checks:
                if check.section == section.code and check.control_id == control.id:
                    result = {"row": check.row, "column": check.column, "status": _status(check.passed)}
                    if check.passed is not None:
                        result |= {"left": _num(check.left), "right": _num(check.right),
                                   "difference": _num(check.difference)}
                    if check.passed is False:
                        result["message"] = fmt.check_message(check)
                    ET.SubElement(c_node, "result", result)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
