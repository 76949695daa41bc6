def migrate(cr, version):
    """Care steps scheduled before the compliance report existed take their responsible
    and deadline from the activity still open; steps already done are left out of it."""
    cr.execute("""
        UPDATE crm_vn_care_occurrence o
           SET user_id = a.user_id, date_deadline = a.date_deadline
          FROM mail_activity a
         WHERE a.id = o.activity_id AND o.date_deadline IS NULL
    """)
