from odoo import fields, models


class CrmVnCareOccurrence(models.Model):
    """Each time a care step fired, for which record and occasion (order:42, birthday:2026,
    tet:2027...). Unique in the database: a step never fires twice for the same record and
    occasion, whatever reruns, retries, order edits or concurrent workers happen."""

    _name = "crm.vn.care.occurrence"
    _description = "Care Step Occurrence"
    _order = "id desc"
    _rec_name = "occasion"

    template_id = fields.Many2one(
        "mail.activity.plan.template", string="Care Step", required=True, index=True,
        ondelete="cascade")
    res_model = fields.Char(string="Document Model", required=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True)
    occasion = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, ondelete="cascade")
    activity_id = fields.Many2one("mail.activity", index="btree_not_null", ondelete="set null")
    channel_id = fields.Many2one(related="template_id.crm_vn_channel_id")
    date = fields.Date(default=fields.Date.context_today)
    # Kept when the activity is done or removed, for the care compliance report: the
    # deadline as first planned (rescheduling does not make late care on time).
    user_id = fields.Many2one("res.users", string="Responsible", index="btree_not_null")
    date_deadline = fields.Date(string="Due Date")
    date_done = fields.Date(string="Done On")

    _sql_constraints = [
        ("occasion_unique", "UNIQUE (template_id, res_model, res_id, occasion)",
         "This care step already fired for this record and occasion."),
    ]
