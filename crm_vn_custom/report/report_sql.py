"""SQL pieces the reporting views share. The business concepts they count (customers,
orders and revenue, first purchase, a salesperson's team, points) are defined once, in
crm.vn.concepts."""

from odoo.tools import SQL

from ..models.res_partner import AGE_GROUPS


def age_group_sql(birthday):
    """The partner's age group (see AGE_GROUPS), in SQL, from its birthday column."""
    age = f"date_part('year', age(CURRENT_DATE, {birthday}))"
    cases = " ".join(f"WHEN {age} BETWEEN {low} AND {high} THEN '{code}'"
                     for code, _label, low, high in AGE_GROUPS)
    return SQL(f"CASE {cases} END")
