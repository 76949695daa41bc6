from odoo import api, fields, models


class SaleOrder(models.Model):
    """The customer's tier on the quotation (its pricelist, discount and what is missing
    for the next tier), the tier recomputed and care steps fired as orders move. Loyalty
    points are in sale_order_loyalty.py."""

    _inherit = "sale.order"

    crm_vn_tier_id = fields.Many2one(
        "crm.vn.tier", string="Customer Tier", compute="_compute_crm_vn_tier_id")
    crm_vn_tier_benefit = fields.Char(
        string="Tier Benefit", compute="_compute_crm_vn_tier_benefit",
        help="The price advantage the customer's tier gives on this quotation.")
    crm_vn_next_tier_note = fields.Char(
        string="Next Tier", compute="_compute_crm_vn_next_tier_note",
        help="What the customer still lacks for the next tier, counting this quotation.")

    def _crm_vn_customer(self):
        """The customer as the order's company sees it: its tier there (a customer
        shared by the group holds one per company)."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.with_company(self.company_id)

    @api.depends("partner_id", "company_id", "partner_id.commercial_partner_id.tier_id")
    def _compute_crm_vn_tier_id(self):
        for order in self:
            order.crm_vn_tier_id = order._crm_vn_customer().tier_id

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        result = super()._compute_pricelist_id()
        for order in self.filtered(lambda o: o.state == "draft"):
            pricelist = order.crm_vn_tier_id.pricelist_id
            if pricelist and pricelist.company_id in (order.company_id, pricelist.browse()):
                order.pricelist_id = pricelist
        return result

    @api.depends("crm_vn_tier_id", "pricelist_id")
    def _compute_crm_vn_tier_benefit(self):
        for order in self:
            tier = order.crm_vn_tier_id
            benefits = []
            if tier.pricelist_id and order.pricelist_id == tier.pricelist_id:
                benefits.append(self.env._("pricelist %(pricelist)s",
                                           pricelist=tier.pricelist_id.display_name))
            if tier.discount_percent:
                discount = "%g" % tier.discount_percent
                benefits.append(self.env._("%(discount)s%% discount on every line",
                                           discount=discount))
            order.crm_vn_tier_benefit = self.env._(
                "Tier %(tier)s: %(benefits)s", tier=tier.display_name,
                benefits=", ".join(benefits)) if benefits else False

    @api.depends("partner_id", "amount_untaxed", "currency_rate", "state", "company_id")
    def _compute_crm_vn_next_tier_note(self):
        for order in self:
            customer = order._crm_vn_customer().sudo()
            tier = customer.tier_next_id
            if order.state not in ("draft", "sent") or not tier or (
                    tier.company_id != order.company_id):
                order.crm_vn_next_tier_note = False
                continue
            # The tier engine counts revenue in the company's currency.
            missing = customer._crm_vn_next_tier_missing(
                amount=order.amount_untaxed / (order.currency_rate or 1.0), orders=1)
            order.crm_vn_next_tier_note = self.env._(
                "%(missing)s more to reach the %(tier)s tier", tier=tier.name,
                missing=", ".join(missing)) if missing else self.env._(
                "This order upgrades the customer to the %(tier)s tier.", tier=tier.name)

    def _action_confirm(self):
        res = super()._action_confirm()
        self._crm_vn_recompute_tiers()
        self.env["crm.vn.care.engine"]._on_event("order_confirmed", self)
        return res

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "sent":
            self.env["crm.vn.care.engine"]._on_event("quotation_sent", self)
        return result

    def _crm_vn_care_partner(self):
        return self.partner_id.commercial_partner_id

    def _crm_vn_recompute_tiers(self):
        # The customer sees its new tier the moment the order is confirmed or cancelled;
        # one batched recomputation for all customers of these orders. Bulk loads of past
        # orders skip it and recompute once at the end.
        if not self.env.context.get("crm_vn_skip_tier_recompute"):
            self.env["crm.vn.tier.engine"].sudo()._recompute(self.partner_id, orders=self)
