def migrate(cr, version):
    """Steps that had a greeting day as trigger get the occasion of that code (shipped
    with the same codes, so the occasions already claimed, e.g. tet:2026, stay claimed);
    customers get their stored age group. The tier recompute keeps its progress in
    crm.vn.tier.cursor: the parameter it wrote at every batch (clearing every worker's
    caches) goes."""
    cr.execute("""
        UPDATE mail_activity_plan_template t
           SET crm_vn_occasion_id = o.id
          FROM crm_vn_occasion o
         WHERE o.code = t.crm_vn_legacy_trigger
    """)
    cr.execute("ALTER TABLE mail_activity_plan_template DROP COLUMN crm_vn_legacy_trigger")
    cr.execute("DELETE FROM ir_config_parameter WHERE key = 'crm_vn_custom.tier_cursor'")

    # The shipped reminder template (noupdate) reads each card's points from the batch
    # the cron renders at once, in every language it is translated into.
    cr.execute("""
        UPDATE mail_template t
           SET body_html = replace(t.body_html::text,
                                   %s, 'object._crm_vn_reminder_points()')::jsonb
          FROM ir_model_data d
         WHERE d.model = 'mail.template' AND d.res_id = t.id AND d.module = 'crm_vn_custom'
           AND d.name = 'mail_template_points_expiry'
    """, ["ctx.get('crm_vn_expiring_points') or 0"])
