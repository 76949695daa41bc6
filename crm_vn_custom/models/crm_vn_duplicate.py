from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

MATCH_KINDS = [("phone", "Phone"), ("email", "Email"), ("vat", "Tax Code")]


class CrmVnDuplicate(models.Model):
    """A customer saved although its phone, email or tax code already belongs to a
    customer looked after by another salesperson (one customer database: nobody keeps a
    private copy of a customer). The person who saved it may not be allowed to see the
    other customer: they only learn who looks after it, and may ask for it; the owner
    transfers it or declines, and managers merge the two records."""

    _name = "crm.vn.duplicate"
    _description = "Duplicate Customer across Salespeople"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    # Requester and owner talk in the chatter; neither may edit the record itself.
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner", string="Customer Saved", required=True, readonly=True, index=True,
        ondelete="cascade")
    # Kept out of reach of everyone but the server: a many2one is read with its target's
    # name whoever reads it, and the person who saved the duplicate may not know that name.
    existing_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade",
        groups="base.group_system")
    existing_partner_id = fields.Many2one(
        "res.partner", string="Existing Customer", compute="_compute_existing_partner_id",
        help="Shown to those who may see that customer.")
    can_answer = fields.Boolean(compute="_compute_existing_partner_id")
    matched_on = fields.Selection(MATCH_KINDS, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Saved By", required=True, readonly=True, index=True,
        default=lambda self: self.env.user)
    owner_id = fields.Many2one("res.users", string="Looked After By", readonly=True, index=True)
    owner_team_id = fields.Many2one("crm.team", string="Owner's Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    state = fields.Selection(
        [("saved", "Saved Anyway"), ("requested", "Customer Requested"),
         ("transferred", "Transferred"), ("declined", "Declined")],
        default="saved", required=True, readonly=True, index=True, tracking=True)
    request_reason = fields.Text(string="Why It Is Requested", readonly=True)
    answer_reason = fields.Text(string="Why It Is Declined", readonly=True)

    _sql_constraints = [
        ("pair_unique", "UNIQUE (partner_id, existing_id)", "This duplicate is already recorded."),
    ]

    @api.depends("partner_id", "owner_id")
    def _compute_display_name(self):
        for duplicate in self:
            # The owner, asked for the customer, may not see the copy typed in by the
            # requester: it is the same customer, so its name is no secret to the owner.
            duplicate.display_name = self.env._(
                "%(customer)s: already a customer of %(owner)s",
                customer=duplicate.sudo().partner_id.display_name,
                owner=duplicate.owner_id.display_name or self.env._("another salesperson"))

    @api.depends_context("uid")
    def _compute_existing_partner_id(self):
        existing_partners = self.sudo().existing_id.with_env(self.env)
        readable = existing_partners._filtered_access("read")
        writable = existing_partners._filtered_access("write")
        for duplicate in self:
            existing = duplicate.sudo().existing_id
            duplicate.existing_partner_id = existing.id if existing in readable else False
            duplicate.can_answer = existing in writable

    # ------------------------------------------------------------------ finding them
    @api.model
    def _find_matches(self, partners):
        """{partner: {existing customer: what matched}} over all the customers of the
        partners' companies, whoever looks after them (as superuser: record rules would
        hide exactly the duplicates this is about), through the indexed columns."""
        Partner = self.env["res.partner"]
        keys = {partner: Partner._duplicate_keys(partner) for partner in partners}
        values = defaultdict(set)
        for partner_keys in keys.values():
            for kind, value in partner_keys:
                values[kind].add(value)
        if not values:
            return {}
        domains = []
        if values["phone"]:
            domains += [[("phone", "in", list(values["phone"]))],
                        [("mobile", "in", list(values["phone"]))]]
        if values["email"]:
            domains.append([("email_normalized", "in", list(values["email"]))])
        if values["vat"]:
            domains.append([("vat", "in", list(values["vat"]))])
        companies = {(partner.company_id or self.env.company).id for partner in partners}
        candidates = Partner.sudo().with_context(active_test=True).search(expression.AND([
            expression.OR(domains), [("company_id", "in", [False, *companies])]]), limit=500)
        matches = {}
        for partner in partners:
            commercial = partner.commercial_partner_id._origin
            company = partner.company_id or self.env.company
            found = {}
            for other in candidates:
                if (other == partner._origin or other.commercial_partner_id == commercial
                        or other.company_id and other.company_id != company):
                    continue
                common = keys[partner] & Partner._duplicate_keys(other)
                if common:
                    found[other] = min(kind for kind, _value in common)
            matches[partner] = found
        return matches

    @api.model
    def _owner_note(self, existing_partners):
        """What may be said of customers the user cannot see: who looks after them."""
        lines = []
        for existing in existing_partners.sudo():
            owner = existing.crm_vn_owner_id
            if owner.sale_team_id:
                lines.append(self.env._(
                    "%(owner)s (%(team)s)", owner=owner.name, team=owner.sale_team_id.name))
            else:
                lines.append(owner.name or self.env._("no salesperson"))
        return ", ".join(dict.fromkeys(lines))

    @api.model
    def _sync(self, partners):
        """Record the partners that duplicate a customer of another salesperson, and drop
        what no longer is one (a corrected number). Called after every save that changes
        a phone, email, tax code or owner."""
        partners = partners.filtered(lambda p: p.id and p.active)
        if not partners:
            return
        recorded = self.sudo().search(
            ["|", ("partner_id", "in", partners.ids), ("existing_id", "in", partners.ids)])
        pairs = {(dup.partner_id.id, dup.existing_id.id): dup for dup in recorded}
        current, vals_list = set(), []
        for partner, found in self._find_matches(partners).items():
            for existing, kind in found.items():
                owner = existing.crm_vn_owner_id
                if not owner or owner == partner.crm_vn_owner_id:
                    continue
                current.add((partner.id, existing.id))
                if (partner.id, existing.id) in pairs or (existing.id, partner.id) in pairs:
                    continue
                vals_list.append({
                    "partner_id": partner.id, "existing_id": existing.id, "matched_on": kind,
                    "user_id": self.env.uid, "owner_id": owner.id,
                    "owner_team_id": owner.sale_team_id.id,
                    "company_id": (partner.company_id or self.env.company).id})
        stale = recorded.filtered(
            lambda dup: dup.partner_id in partners and dup.state in ("saved", "requested")
            and (dup.partner_id.id, dup.existing_id.id) not in current)
        stale.unlink()
        self.sudo().create(vals_list)

    # ------------------------------------------------------------------ the request
    def _check_requester(self):
        for duplicate in self:
            if duplicate.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._(
                    "Only %(user)s, who saved this customer, can ask for it.",
                    user=duplicate.user_id.name))

    def _check_owner(self):
        """The owner, their team leader or a manager: whoever may edit that customer (Odoo's
        own access error would name the customer in debug mode)."""
        for duplicate in self:
            if not (self.env.su or duplicate.can_answer):
                raise AccessError(self.env._(
                    "Only %(owner)s, their team leader or a care manager can answer this "
                    "request.", owner=duplicate.owner_id.name))

    def _check_reason(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason: the other side reads it."))

    def _action_request(self, reason):
        self._check_requester()
        self._check_reason(reason)
        for duplicate in self.sudo():
            if duplicate.state not in ("saved", "declined"):
                raise UserError(self.env._("This customer has already been asked for."))
            duplicate.write({"state": "requested", "request_reason": reason,
                             "answer_reason": False})
            summary = self.env._("%(user)s asks to look after this customer",
                                 user=duplicate.user_id.name)
            leader = duplicate.owner_id.sale_team_id.user_id
            for user in (duplicate.owner_id | leader) - duplicate.user_id:
                duplicate.activity_schedule(
                    "mail.mail_activity_data_todo", summary=summary, note=reason,
                    user_id=user.id)
            duplicate.message_subscribe(duplicate.user_id.partner_id.ids)

    def action_transfer(self):
        """Give the existing customer to the person who asked for it (audited)."""
        self._check_owner()
        for duplicate in self.sudo():
            if duplicate.state != "requested":
                raise UserError(self.env._("Nobody is waiting for this customer."))
            reason = self.env._("Requested by %(user)s: %(reason)s",
                                user=duplicate.user_id.name, reason=duplicate.request_reason)
            duplicate.existing_id.with_context(
                crm_vn_audit_kind="transfer", crm_vn_audit_reason=reason,
            ).write({"user_id": duplicate.user_id.id})
            duplicate._close_request("transferred", self.env._(
                "The customer now belongs to %(user)s.", user=duplicate.user_id.name))
        return True

    def action_decline(self):
        self._check_owner()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.duplicate.reason",
            "view_mode": "form", "target": "new", "name": self.env._("Decline the Request"),
            "context": {"default_duplicate_ids": self.ids, "default_mode": "decline"},
        }

    def _action_decline(self, reason):
        self._check_owner()
        self._check_reason(reason)
        for duplicate in self.sudo():
            if duplicate.state != "requested":
                raise UserError(self.env._("Nobody is waiting for this customer."))
            duplicate.answer_reason = reason
            duplicate._close_request("declined", self.env._(
                "Request declined: %(reason)s", reason=reason))

    def _close_request(self, state, message):
        self.state = state
        self.activity_ids.action_feedback(feedback=message)
        self.message_post(body=message, partner_ids=self.user_id.partner_id.ids,
                          message_type="comment", subtype_xmlid="mail.mt_comment")

    def action_merge(self):
        """Odoo's merge wizard with both customers, keeping the one that existed first."""
        self.ensure_one()
        existing = self.sudo().existing_id
        return existing.with_env(self.env).action_merge_duplicates(self.partner_id)
