# The tier, its figures and the RFM scores became company-dependent (a jsonb of one value
# per company): each customer keeps its value under the company that tiered it, its own
# or, for a customer shared by the group, the first company (the one that tiered shared
# customers until now). The other companies tier shared customers at the next recompute.
COMPANY_DEPENDENT = {
    "tier_id": "int4", "tier_since": "date", "tier_grace_until": "date",
    "tier_override_id": "int4", "tier_override_reason": "varchar",
    "tier_override_until": "date", "tier_currency_id": "int4", "tier_revenue": "numeric",
    "tier_order_count": "int4", "tier_points": "numeric", "tier_next_id": "int4",
    "tier_next_missing_revenue": "numeric", "tier_next_missing_orders": "int4",
    "tier_next_missing_points": "numeric", "tier_next_progress": "numeric",
    "first_order_date": "date", "last_order_date": "date", "rfm_recency": "int4",
    "rfm_frequency": "int4", "rfm_monetary": "int4", "rfm_segment": "varchar",
    "relationship_kind": "varchar", "relationship_kind_manual": "bool",
}


def migrate(cr, version):
    cr.execute("SELECT id FROM res_company ORDER BY id LIMIT 1")
    main_company = cr.fetchone()[0]
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = ANY(%s) AND udt_name <> 'jsonb'
    """, [list(COMPANY_DEPENDENT)])
    columns = [column for (column,) in cr.fetchall()]
    # A jsonb of ids cannot keep the foreign keys of the tiers and the currency.
    cr.execute("""
        SELECT c.conname FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
         WHERE c.conrelid = 'res_partner'::regclass AND c.contype = 'f' AND a.attname = ANY(%s)
    """, [columns])
    for (constraint,) in cr.fetchall():
        cr.execute(f'ALTER TABLE res_partner DROP CONSTRAINT "{constraint}"')
    for column in columns:
        # A boolean false, like an empty value, is no value: Odoo reads it as False.
        empty = f"{column} IS NULL" + (f" OR NOT {column}" if column.endswith("_manual") else "")
        cr.execute(f"""
            ALTER TABLE res_partner ALTER COLUMN {column} TYPE jsonb
            USING CASE WHEN {empty} THEN NULL
                       ELSE jsonb_build_object(COALESCE(company_id, {main_company:d})::text,
                                               {column}) END
        """)
