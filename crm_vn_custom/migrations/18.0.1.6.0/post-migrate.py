def migrate(cr, version):
    """Steps that had a greeting day as trigger get the occasion of that code (shipped
    with the same codes, so the occasions already claimed, e.g. tet:2026, stay claimed);
    customers get their stored age group."""
    cr.execute("""
        UPDATE mail_activity_plan_template t
           SET crm_vn_occasion_id = o.id
          FROM crm_vn_occasion o
         WHERE o.code = t.crm_vn_legacy_trigger
    """)
    cr.execute("ALTER TABLE mail_activity_plan_template DROP COLUMN crm_vn_legacy_trigger")
