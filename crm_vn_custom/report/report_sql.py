"""SQL pieces the reporting views share, so that every report attributes a customer to the
same salesperson, team and company."""

from ..models.res_partner import AGE_GROUPS

# A salesperson's team is their first active membership, as res.users.sale_team_id says;
# the record rules of the reports use this column for team leaders.
USER_TEAM = """
    user_team AS (
        SELECT DISTINCT ON (m.user_id) m.user_id, m.crm_team_id AS team_id
          FROM crm_team_member m
          JOIN crm_team t ON t.id = m.crm_team_id AND t.active
         WHERE m.active
      ORDER BY m.user_id, m.create_date, m.id
    )"""

# Confirmed orders in the company's currency, attributed to the commercial entity.
CONFIRMED_ORDERS = """
    confirmed_order AS (
        SELECT so.id, so.company_id, so.date_order, cp.commercial_partner_id AS partner_id,
               so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount
          FROM sale_order so
          JOIN res_partner cp ON cp.id = so.partner_id
         WHERE so.state = 'sale'
    )"""


def age_group_sql(birthday):
    """The partner's age group (see AGE_GROUPS), in SQL, from its birthday column."""
    age = f"date_part('year', age(CURRENT_DATE, {birthday}))"
    cases = " ".join(f"WHEN {age} BETWEEN {low} AND {high} THEN '{code}'"
                     for code, _label, low, high in AGE_GROUPS)
    return f"CASE {cases} END"
