from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_vn_tier_id = fields.Many2one(
        "crm.vn.tier", string="Customer Tier", related="partner_id.commercial_partner_id.tier_id")
    crm_vn_tier_benefit = fields.Char(
        string="Tier Benefit", compute="_compute_crm_vn_tier_benefit",
        help="The price advantage the customer's tier gives on this quotation.")

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

    def _action_confirm(self):
        res = super()._action_confirm()
        self._crm_vn_recompute_tiers()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._crm_vn_recompute_tiers()
        return res

    def _crm_vn_recompute_tiers(self):
        # The customer sees its new tier the moment the order is confirmed or cancelled;
        # one batched recomputation for all customers of these orders. Bulk loads of past
        # orders skip it and recompute once at the end.
        if not self.env.context.get("crm_vn_skip_tier_recompute"):
            self.env["crm.vn.tier.engine"].sudo()._recompute(self.partner_id, orders=self)
