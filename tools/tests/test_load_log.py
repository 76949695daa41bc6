"""`make test-load` judges Odoo's log: the serialization failures Odoo retries are expected
when clients collide, anything else at WARNING or above fails the run."""

import load_test  # tools/load_test.py, put on the path by conftest.py

RETRIED = """\
2026-12-02 12:12:11,163 23083 ERROR crm_vn_load odoo.sql_db: bad query: b'UPDATE res_partner ...'
ERROR: could not serialize access due to concurrent update
2026-12-02 12:12:11,167 23083 INFO crm_vn_load odoo.service.model: SERIALIZATION_FAILURE, 4 tries
"""
OTHER = """\
2026-12-02 12:13:05,147 23092 ERROR crm_vn_load odoo.sql_db: bad query: b'INSERT INTO ...'
ERROR: duplicate key value violates unique constraint "crm_vn_care_occurrence_unique"
2026-12-02 12:13:05,160 23092 WARNING crm_vn_load odoo.addons.crm_vn_custom: a care step skipped
"""


def test_retried_serialization_failures_are_expected():
    assert load_test.log_problems(RETRIED) == []


def test_any_other_error_or_warning_is_reported_by_its_first_line():
    problems = load_test.log_problems(RETRIED + OTHER)
    assert [problem.split(" ", 3)[3] for problem in problems] == [
        "ERROR crm_vn_load odoo.sql_db: bad query: b'INSERT INTO ...'",
        "WARNING crm_vn_load odoo.addons.crm_vn_custom: a care step skipped"]
