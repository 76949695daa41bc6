from odoo import models
from odoo.exceptions import AccessError, UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _crm_vn_is_care_staff_only(self):
        """Care staff below the Team Leader level: the users whose view of customer data
        the addon narrows (own customers, no revenue or internal notes, no export)."""
        self.ensure_one()
        return (self.has_group("crm_vn_custom.group_crm_vn_care_staff")
                and not self.has_group("crm_vn_custom.group_crm_vn_team_leader"))

    def _crm_vn_owned_records(self):
        """What a member of staff is responsible for and must hand over on leaving:
        customers (archived ones too), open leads, open quotations and open activities."""
        self.ensure_one()
        env = self.env(su=True)
        return {
            "customers": env["res.partner"].with_context(active_test=False).search(
                [("user_id", "=", self.id)]),
            "leads": env["crm.lead"].search([
                ("user_id", "=", self.id),
                "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]),
            "quotations": env["sale.order"].search(
                [("user_id", "=", self.id), ("state", "in", ("draft", "sent"))]),
            "activities": env["mail.activity"].search([("user_id", "=", self.id)]),
        }

    def _crm_vn_transfer_to(self, user, team, reason):
        """Hand everything this user is responsible for to ``user`` (or to the leader of
        ``team``) in one step; every customer and lead that changes hands is audited with
        ``reason``. Returns the number of records moved per kind."""
        self.ensure_one()
        me = self.env.user
        if not (self.env.su or me.has_group("crm_vn_custom.group_crm_vn_care_manager")
                or me.has_group("base.group_erp_manager")):
            raise AccessError(self.env._(
                "Only care managers and user administrators can transfer customers."))
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

    def action_archive(self):
        # Archiving someone who still looks after customers would leave those customers
        # with an inactive salesperson: offer the transfer first.
        if self.env.context.get("crm_vn_transfer_done"):
            return super().action_archive()
        owners = self.filtered(
            lambda user: not user.share and any(user._crm_vn_owned_records().values()))
        if len(owners) > 1:
            raise UserError(self.env._(
                "%(users)s still look after customers, leads or activities. Transfer them "
                "one person at a time (Transfer Customers), then archive.",
                users=", ".join(owners.mapped("display_name"))))
        result = super(ResUsers, self - owners).action_archive()
        return owners._crm_vn_action_open_transfer(archive=True) if owners else result

    def _crm_vn_action_open_transfer(self, archive=False):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer Customers"),
            "res_model": "crm.vn.staff.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_from_user_id": self.id, "default_archive_user": archive},
        }
