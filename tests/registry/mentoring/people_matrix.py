"""Matrix rows (tests/test_scope_matrix.py) of the records API and the region registry (PRODUCT.md §9).

Records of the KHV school built by tests/registry/mentoring/matrix.py: its curator writes; the curator, the KHV
official and region staff read. The region registry: region staff and the region's municipal officials."""

ORG_API = "/api/v1/organizations/27-KHV-S1"
G = "/api/v1/regions/27/registry"
SNILS = "112-233-445 95"


def rows(region: set) -> dict:
    viewers = region | {"khv_official", "curator"}
    officials = region | {"khv_official", "van_official"}
    curator = {"curator"}
    rows = {
        ("records_api.create_mentor", "POST"): (ORG_API + "/mentors", {
            "full_name": "Апи Наставник", "category": "teacher", "snils": SNILS}, curator),
        ("records_api.create_mentee", "POST"): (ORG_API + "/mentees", {
            "full_name": "Апи Ученик", "category": "student", "birth_date": "2008-01-01"}, curator),
        ("records_api.create_partner", "POST"): (ORG_API + "/partners", {"inn": "7707083893"}, curator),
        ("records_api.create_pair", "POST"): (ORG_API + "/pairs", {"form": "teacher_student", "kind": "traditional",
                                                            "mentor_ids": ["{mentor_id}"],
                                                            "mentee_ids": ["{mentee_id}"],
                                                            "start_date": "2024-09-01"}, curator),
        ("registry_api.registry_mentors", "GET"): (G + "/mentors", None, officials),
        ("registry_api.registry_mentees", "GET"): (G + "/mentees", None, officials),
        ("people_registry.registry_list", "GET"): ("/records/registry/27/pairs?form=student_pupil", None, officials),
        ("people_registry.registry_download", "GET"): ("/records/registry/27/mentees.xlsx", None, officials),
    }
    for kind, key in (("mentors", "mentor_id"), ("mentees", "mentee_id"), ("partners", "partner_id"),
                      ("pairs", "pair_id")):
        one = f"{ORG_API}/{kind}/{{{key}}}"
        rows[(f"records_api.list_{kind}", "GET")] = (f"{ORG_API}/{kind}", None, viewers)
        rows[(f"records_api.get_{kind[:-1]}", "GET")] = (one, None, viewers)
        rows[(f"records_api.patch_{kind[:-1]}", "PATCH")] = (one, {}, curator)
        rows[(f"records_api.delete_{kind[:-1]}", "DELETE")] = (one, None, curator)
    return rows
