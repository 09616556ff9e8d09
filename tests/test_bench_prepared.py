"""The statement text bench.harness.prepared_cost hands to PREPARE (bench/, run by hand)."""
from bench.harness import numbered


def test_named_placeholders_become_numbered_in_order_of_first_use():
    body, names = numbered("SELECT 1 FROM t WHERE a = %(code)s AND b LIKE %(prefix)s || '%%' OR c = %(code)s")
    assert body == "SELECT 1 FROM t WHERE a = $1 AND b LIKE $2 || '%' OR c = $1"
    assert names == ["code", "prefix"]


def test_a_statement_without_parameters_is_kept():
    assert numbered("SELECT count(*) FROM t") == ("SELECT count(*) FROM t", [])
