from odoo import fields, models

CARE_STAGES = [
    ("pre_sale", "Before the Sale"),
    ("sale", "During the Sale"),
    ("after_sale", "After the Sale"),
    ("recurring", "Recurring Care"),
]


class MailActivityPlan(models.Model):
    """A care plan (kế hoạch chăm sóc) is an Odoo activity plan that runs by itself: its
    steps carry a trigger, and the care engine schedules them on the right records."""

    _inherit = "mail.activity.plan"

    crm_vn_stage = fields.Selection(
        CARE_STAGES, string="Care Stage", index="btree_not_null",
        help="Set it to make this plan a customer care plan whose steps run automatically.")
    crm_vn_segment_id = fields.Many2one(
        "crm.vn.segment", string="Only for Segment",
        help="Only customers of this target segment get the plan's steps.")
