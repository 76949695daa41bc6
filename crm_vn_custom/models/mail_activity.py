from odoo import fields, models

CUSTOMER_MODELS = ("res.partner", "crm.lead", "sale.order")


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def write(self, vals):
        result = super().write(vals)
        # Care compliance counts for whoever the care activity is handed to.
        if vals.get("user_id"):
            self.env["crm.vn.care.occurrence"].sudo().search(
                [("activity_id", "in", self.ids)]).user_id = vals["user_id"]
        return result

    def _action_done(self, feedback=False, attachment_ids=None):
        # Completing a care activity on a customer, lead or order is an interaction:
        # log it (the feedback is the note) before Odoo removes the activity.
        self._crm_vn_log_care(feedback)
        self.env["crm.vn.care.occurrence"].sudo().search(
            [("activity_id", "in", self.ids), ("date_done", "=", False)]).date_done = (
            fields.Date.context_today(self))
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _crm_vn_log_care(self, feedback):
        activities = self.filtered(lambda a: a.res_model in CUSTOMER_MODELS and a.res_id)
        if not activities or self.env.context.get("crm_vn_care_logged"):
            return
        occurrences = self.env["crm.vn.care.occurrence"].sudo().search(
            [("activity_id", "in", activities.ids)])
        step_of = {occurrence.activity_id: occurrence.template_id for occurrence in occurrences}
        vals_list = []
        for activity in activities:
            record = self.env[activity.res_model].browse(activity.res_id).sudo()
            customer = record._crm_vn_care_partner()
            if not customer:
                continue
            step = step_of.get(activity, self.env["mail.activity.plan.template"])
            vals_list.append({
                "partner_id": customer.id, "user_id": activity.user_id.id or self.env.uid,
                "company_id": (record.company_id or self.env.company).id,
                "channel_id": step.crm_vn_channel_id.id,
                "activity_type_id": activity.activity_type_id.id, "step_id": step.id,
                "res_model": activity.res_model, "res_id": activity.res_id,
                "note": feedback or activity.summary or activity.activity_type_id.name,
            })
        self.env["crm.vn.care.log"].sudo().create(vals_list)
