from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    # What the user still looks after, for the transfer offer on the user form.
    crm_vn_customer_count = fields.Integer(
        compute="_compute_crm_vn_owned_counts", string="Customers Looked After")
    crm_vn_lead_count = fields.Integer(compute="_compute_crm_vn_owned_counts",
                                       string="Open Leads Owned")
    crm_vn_quotation_count = fields.Integer(compute="_compute_crm_vn_owned_counts",
                                            string="Open Quotations Owned")
    crm_vn_activity_count = fields.Integer(compute="_compute_crm_vn_owned_counts",
                                           string="Open Activities Assigned")
    crm_vn_owned_count = fields.Integer(compute="_compute_crm_vn_owned_counts",
                                        string="Records to Hand Over")

    def _crm_vn_is_care_staff_only(self):
        """Care staff below the Team Leader level: the users whose view of customer data
        the addon narrows (own customers, no revenue or internal notes, no export)."""
        self.ensure_one()
        return (self.has_group("crm_vn_custom.group_crm_vn_care_staff")
                and not self.has_group("crm_vn_custom.group_crm_vn_team_leader"))

    def _crm_vn_owned_domains(self):
        """What the users of ``self`` are responsible for and must hand over on leaving,
        by kind: (model, domain, context). Customers (archived ones too), open leads, open
        quotations and open activities."""
        return {
            "customers": ("res.partner", [("user_id", "in", self.ids)], {"active_test": False}),
            "leads": ("crm.lead", [
                ("user_id", "in", self.ids),
                "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)], {}),
            "quotations": ("sale.order", [
                ("user_id", "in", self.ids), ("state", "in", ("draft", "sent"))], {}),
            "activities": ("mail.activity", [("user_id", "in", self.ids)], {}),
        }

    def _crm_vn_owned_records(self):
        """The records of each kind of ``_crm_vn_owned_domains`` of one user."""
        self.ensure_one()
        env = self.env(su=True)
        return {kind: env[model].with_context(**context).search(domain)
                for kind, (model, domain, context) in self._crm_vn_owned_domains().items()}

    def _compute_crm_vn_owned_counts(self):
        # One grouped count per kind for all the users at once.
        env = self.env(su=True)
        users = self._origin.filtered("id")
        counts = {}
        for kind, (model, domain, context) in users._crm_vn_owned_domains().items():
            groups = env[model].with_context(**context)._read_group(
                domain, ["user_id"], ["__count"]) if users else []
            counts[kind] = {user.id: count for user, count in groups}
        for user in self:
            owned = {kind: counts[kind].get(user._origin.id, 0) for kind in counts}
            user.crm_vn_customer_count = owned["customers"]
            user.crm_vn_lead_count = owned["leads"]
            user.crm_vn_quotation_count = owned["quotations"]
            user.crm_vn_activity_count = owned["activities"]
            user.crm_vn_owned_count = sum(owned.values())

    def _crm_vn_transfer_to(self, user, team, reason):
        """Hand everything this user is responsible for to ``user`` (or to the leader of
        ``team``) in one step; every customer and lead that changes hands is audited with
        ``reason``. Returns the number of records moved per kind."""
        self.ensure_one()
        self._crm_vn_check_transfer_rights()
        user = user or team.user_id
        if not user:
            raise UserError(self.env._(
                "The sales team %(team)s has no team leader: choose the person who takes "
                "over the customers.", team=team.display_name))
        if user == self:
            raise UserError(self.env._("Choose another person to take over the customers."))
        if not user.active or user.share:
            raise UserError(self.env._(
                "%(user)s cannot take over customers: choose an active internal user.",
                user=user.display_name))
        if not (reason or "").strip():
            raise UserError(self.env._(
                "Give the reason for the transfer: it is kept in the audit log."))
        owned = self._crm_vn_owned_records()
        audit = {"crm_vn_audit_kind": "transfer", "crm_vn_audit_reason": reason,
                 "mail_activity_quick_update": True}
        team_vals = {"team_id": team.id} if team else {}
        owned["customers"].with_context(**audit).write({"user_id": user.id})
        owned["leads"].with_context(**audit).write({"user_id": user.id, **team_vals})
        owned["quotations"].with_context(**audit).write({"user_id": user.id, **team_vals})
        owned["activities"].with_context(**audit).write({"user_id": user.id})
        return {kind: len(records) for kind, records in owned.items()}

    def _crm_vn_check_transfer_rights(self):
        me = self.env.user
        if self.env.su:
            return
        # The owned records are looked up as the server: the person leaving must be a
        # colleague of one of the caller's companies.
        if not ((me.has_group("crm_vn_custom.group_crm_vn_care_manager")
                 or me.has_group("base.group_erp_manager"))
                and self.company_ids & me.company_ids):
            raise AccessError(self.env._(
                "Only care managers and user administrators of the same company can "
                "transfer customers."))

    def action_crm_vn_transfer_customers(self):
        """The Transfer Customers wizard for this user, from the user form. Archiving a
        user keeps Odoo's behaviour (other code and scripts rely on it): the form of an
        archived user who still looks after customers offers the transfer instead."""
        self.ensure_one()
        self._crm_vn_check_transfer_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer Customers"),
            "res_model": "crm.vn.staff.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_from_user_id": self.id},
        }
