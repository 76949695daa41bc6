# The greeting days were triggers of their own (tet, mid_autumn, womens_day, vn_womens_day,
# teachers_day); they are now occasions (crm.vn.occasion) of the one "occasion" trigger.
LEGACY_TRIGGERS = ("tet", "mid_autumn", "womens_day", "vn_womens_day", "teachers_day")


def migrate(cr, version):
    """Keep each step's old trigger aside (the occasion records do not exist yet) and
    give it the new one; post-migrate links the occasion of the same code. The age
    group, a selection, becomes a link to crm.vn.age.group: its old values go first
    (Odoo would look for their ondelete policy on the new many2one and fail)."""
    cr.execute("""
        SELECT s.id FROM ir_model_fields_selection s
          JOIN ir_model_fields f ON f.id = s.field_id
         WHERE f.name = 'age_group' AND f.model IN ('res.partner', 'crm.vn.customer.report')
    """)
    selections = tuple(row[0] for row in cr.fetchall())
    if selections:
        cr.execute("""
            DELETE FROM ir_model_data
             WHERE model = 'ir.model.fields.selection' AND res_id IN %s
        """, [selections])
        cr.execute("DELETE FROM ir_model_fields_selection WHERE id IN %s", [selections])
    cr.execute("""
        ALTER TABLE mail_activity_plan_template
          ADD COLUMN IF NOT EXISTS crm_vn_legacy_trigger varchar
    """)
    cr.execute("""
        UPDATE mail_activity_plan_template
           SET crm_vn_legacy_trigger = crm_vn_trigger, crm_vn_trigger = 'occasion'
         WHERE crm_vn_trigger IN %s
    """, [LEGACY_TRIGGERS])
