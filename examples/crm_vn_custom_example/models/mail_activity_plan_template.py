from odoo import fields, models


class MailActivityPlanTemplate(models.Model):
    """Recipe "a new trigger", 1/2: the trigger's value. A date trigger needs nothing
    else here; an event trigger would also extend _crm_vn_event_triggers()."""

    _inherit = "mail.activity.plan.template"

    crm_vn_trigger = fields.Selection(
        selection_add=[("first_purchase_anniversary", "Anniversary of the First Purchase")],
        ondelete={"first_purchase_anniversary": "set null"})
