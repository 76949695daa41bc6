from odoo import fields, models


class CrmVnTierCursor(models.Model):
    """Where tonight's tier recompute stands: one row per night, written by the cron only.

    It was an ``ir.config_parameter``; each ``set_param`` there clears the registry caches
    of every worker, at every batch of the night. A row of this table is an ordinary
    write, committed with the batch it describes, so a crash resumes after the last batch
    committed."""

    _name = "crm.vn.tier.cursor"
    _description = "Tier Recompute Progress"
    _order = "day desc, id desc"
    _rec_name = "day"

    day = fields.Date(required=True, index=True)
    last_partner_id = fields.Integer(
        string="Last Customer", help="Customers up to this id are done tonight.")
    total = fields.Integer(string="Customers Tonight")
    done = fields.Integer(string="Customers Done")
    tiers_done = fields.Boolean()
    # After the tiers, the RFM scores: one company per call (its quantiles need its whole
    # base at once), in the order of their ids.
    last_rfm_company_id = fields.Integer(string="Last Company Scored")

    _sql_constraints = [
        ("day_unique", "UNIQUE (day)", "There is one tier recompute per night."),
    ]
