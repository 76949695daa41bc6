from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


class CrmVnTier(models.Model):
    """A customer tier (hạng khách hàng) and the care standard that goes with it."""

    _name = "crm.vn.tier"
    _description = "Customer Tier"
    _order = "company_id, rank, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code used in reports and imports, e.g. GOLD.")
    rank = fields.Integer(
        required=True, default=1,
        help="Higher ranks are better tiers; a customer gets the highest tier it qualifies for.")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Qualification rules, over the company's rolling window (Settings).
    min_revenue = fields.Monetary(
        string="Minimum Revenue", currency_field="currency_id",
        help="Untaxed revenue of confirmed orders in the window, less refunds, in the "
        "company currency.")
    min_order_count = fields.Integer(
        string="Minimum Orders", help="Confirmed orders in the window.")
    min_points = fields.Float(
        string="Minimum Loyalty Points", digits=(16, 2),
        help="Points earned in the company's loyalty programmes over the window; leave 0 to "
        "tier by revenue and orders only, or set revenue to 0 to tier by points.")

    # Care standard (quy chuẩn chăm sóc).
    contact_interval_days = fields.Integer(
        string="Contact Every (days)", default=90,
        help="Staff contact a customer of this tier at least this often.")
    complaint_response_hours = fields.Integer(
        string="Complaint First Response (hours)", default=24)
    complaint_resolution_hours = fields.Integer(
        string="Complaint Resolution (hours)", default=72)
    channel_ids = fields.Many2many(
        "crm.vn.care.channel", string="Preferred Channels",
        help="How staff reach customers of this tier.")
    birthday_gift_policy = fields.Text(translate=True)
    holiday_gift_policy = fields.Text(translate=True)
    account_manager_required = fields.Boolean(
        string="Dedicated Account Manager",
        help="Customers of this tier must have a salesperson of their own.")
    pricelist_id = fields.Many2one(
        "product.pricelist", check_company=True,
        help="Applied to new quotations of customers of this tier.")
    discount_percent = fields.Float(string="Discount (%)", digits="Discount")
    birthday_bonus_points = fields.Float(
        help="Loyalty points given once a year on the customer's birthday (solar, or lunar "
        "for customers who keep their lunar birthday).")
    upgrade_bonus_points = fields.Float(
        help="Loyalty points given once when a customer first reaches this tier.")
    points_multiplier = fields.Float(
        default=1.0, digits=(4, 2),
        help="Loyalty points earned by customers of this tier are multiplied by this.")

    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    @api.model
    def action_setup_company(self):
        """The tiers list's button: customer care for the company the user works in."""
        return self.env.company.action_crm_vn_setup_customer_care()

    def copy_data(self, default=None):
        # A tier copied to another company of the group cannot keep a pricelist of the
        # first company.
        vals_list = super().copy_data(default)
        for tier, vals in zip(self, vals_list, strict=True):
            company = self.env["res.company"].browse(vals.get("company_id"))
            if tier.pricelist_id.company_id not in (company, self.env["res.company"]):
                vals["pricelist_id"] = False
        return vals_list

    _sql_constraints = [
        ("rank_company_uniq", "unique(company_id, rank)",
         "Two tiers of a company cannot have the same rank."),
        ("code_company_uniq", "unique(company_id, code)",
         "Two tiers of a company cannot have the same code."),
        ("values_positive",
         "CHECK(min_revenue >= 0 AND min_order_count >= 0 AND min_points >= 0 "
         "AND contact_interval_days >= 0 "
         "AND complaint_response_hours >= 0 AND complaint_resolution_hours >= 0 "
         "AND discount_percent >= 0 AND points_multiplier >= 0)",
         "Tier thresholds and care standards cannot be negative."),
    ]

    def _holders(self, domain=()):
        """res.partner domain searched in each tier's company (the customers' tiers are
        company-dependent): ``search(domain)`` over the holders of these tiers."""
        return [(self.env["res.partner"].with_company(company), [
            ("tier_id", "in", self.filtered(lambda t, c=company: t.company_id == c).ids),
            *domain]) for company in self.company_id]

    def _compute_partner_count(self):
        counts = {}
        for Partner, domain in self._holders([("parent_id", "=", False)]):
            counts.update((tier.id, count) for tier, count in Partner._read_group(
                domain, ["tier_id"], ["__count"]))
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.constrains("rank", "min_revenue", "min_order_count", "min_points", "company_id",
                    "active")
    def _check_thresholds_rise_with_rank(self):
        if self.env.context.get("crm_vn_defer_tier_check"):
            return
        for company in self.company_id:
            tiers = self.search([("company_id", "=", company.id)], order="rank")
            for lower, higher in zip(tiers, tiers[1:], strict=False):
                if (higher.min_revenue < lower.min_revenue
                        or higher.min_order_count < lower.min_order_count
                        or higher.min_points < lower.min_points):
                    raise ValidationError(self.env._(
                        "Tier %(higher)s ranks above %(lower)s, so its thresholds must be at "
                        "least as high (revenue %(h_rev)s < %(l_rev)s, orders %(h_cnt)s < "
                        "%(l_cnt)s or points %(h_pts)s < %(l_pts)s).",
                        higher=higher.name, lower=lower.name,
                        h_rev=format_amount(self.env, higher.min_revenue, company.currency_id),
                        l_rev=format_amount(self.env, lower.min_revenue, company.currency_id),
                        h_cnt=higher.min_order_count, l_cnt=lower.min_order_count,
                        h_pts=higher.min_points, l_pts=lower.min_points))

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers._enable_line_discounts()
        return tiers

    def write(self, vals):
        result = super().write(vals)
        if vals.get("discount_percent"):
            self._enable_line_discounts()
        if "contact_interval_days" in vals:
            # The customers of these tiers in every company have a new care date.
            field = self.env["res.partner"]._fields["next_care_date"]
            for Partner, domain in self._holders():
                self.env.add_to_compute(field, Partner.sudo().with_context(
                    active_test=False).search(domain))
        return result

    def _enable_line_discounts(self):
        # A tier discount is written on quotation lines; salespeople see it there only
        # with Odoo's "Discounts" feature on, so a tier with a discount turns it on.
        if not any(self.mapped("discount_percent")):
            return
        employees = self.env.ref("base.group_user").sudo()
        discounts = self.env.ref("sale.group_discount_per_so_line")
        if discounts not in employees.implied_ids:
            employees._apply_group(discounts)

    @api.constrains("discount_percent")
    def _check_discount(self):
        if any(tier.discount_percent > 100 for tier in self):
            raise ValidationError(self.env._("A tier discount cannot exceed 100%."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        used = any(Partner.with_context(active_test=False).search_count(
            ["|", ("tier_override_id", "in", self.ids), *domain], limit=1)
            for Partner, domain in self._holders())
        if used or self.env["crm.vn.tier.history"].search_count(
                ["|", ("old_tier_id", "in", self.ids), ("new_tier_id", "in", self.ids)], limit=1):
            raise UserError(self.env._(
                "This tier is or was held by customers: archive it instead of deleting it."))

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        action.update({"name": self.name, "domain": [("tier_id", "=", self.id)]})
        return action
