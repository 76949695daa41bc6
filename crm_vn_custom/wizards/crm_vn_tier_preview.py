from odoo import api, fields, models


class CrmVnTierPreview(models.TransientModel):
    """Try new thresholds and see how many customers would land in each tier before
    saving them; then save, and recompute every customer now."""

    _name = "crm.vn.tier.preview"
    _description = "Preview and apply tier thresholds"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company)
    line_ids = fields.One2many("crm.vn.tier.preview.line", "wizard_id", string="Tiers")
    no_tier_count = fields.Integer(string="Customers Without Tier", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        tiers = self.env["crm.vn.tier"].search([("company_id", "=", company.id)], order="rank")
        values["line_ids"] = [fields.Command.create({
            "tier_id": tier.id, "min_revenue": tier.min_revenue,
            "min_order_count": tier.min_order_count, "min_points": tier.min_points,
            "current_count": tier.partner_count,
        }) for tier in tiers]
        return values

    def action_preview(self):
        self.ensure_one()
        engine = self.env["crm.vn.tier.engine"]
        thresholds = {line.tier_id: dict(engine._tier_thresholds(line.tier_id),
                                         revenue=line.min_revenue,
                                         order_count=line.min_order_count,
                                         points=line.min_points)
                      for line in self.line_ids}
        tiers = engine._tiers_by_rank(self.company_id)
        counts = dict.fromkeys(tiers, 0)
        partners = engine._customers_of(self.company_id)
        no_tier = 0
        for start in range(0, len(partners), engine.BATCH_SIZE):
            stats = engine._stats(self.company_id, partners[start:start + engine.BATCH_SIZE])
            for figures in stats.values():
                tier = engine._qualifying_tier(tiers, figures, thresholds)
                if tier:
                    counts[tier] += 1
                else:
                    no_tier += 1
        for line in self.line_ids:
            line.preview_count = counts.get(line.tier_id.sudo(), 0)
        self.no_tier_count = no_tier
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        # Checked once all are written: in between, ranks may be briefly out of order.
        for line in self.line_ids.with_context(crm_vn_defer_tier_check=True):
            line.tier_id.write({"min_revenue": line.min_revenue,
                                "min_order_count": line.min_order_count,
                                "min_points": line.min_points})
        self.line_ids.tier_id._check_thresholds_rise_with_rank()
        return self.action_recompute()

    def action_recompute(self):
        self.ensure_one()
        engine = self.env["crm.vn.tier.engine"]
        partners = self.env["res.partner"].browse(engine._customers_of(self.company_id))
        engine._recompute(partners)
        engine._recompute_rfm(self.company_id)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "next": {"type": "ir.actions.act_window_close"},
            "message": self.env._("Tiers of %s customers recomputed.", len(partners))}}

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self.env._("Tier Thresholds")}


class CrmVnTierPreviewLine(models.TransientModel):
    _name = "crm.vn.tier.preview.line"
    _description = "Tier thresholds to preview"
    _order = "rank"

    wizard_id = fields.Many2one("crm.vn.tier.preview", required=True, ondelete="cascade")
    tier_id = fields.Many2one("crm.vn.tier", required=True)
    rank = fields.Integer(related="tier_id.rank")
    currency_id = fields.Many2one(related="tier_id.currency_id")
    min_revenue = fields.Monetary(string="Minimum Revenue", currency_field="currency_id")
    min_order_count = fields.Integer(string="Minimum Orders")
    min_points = fields.Float(string="Minimum Loyalty Points", digits=(16, 2))
    current_count = fields.Integer(string="Customers Now")
    preview_count = fields.Integer(string="Customers With These Rules", readonly=True)
