from odoo import api, fields, models
from odoo.tools import float_is_zero

from .crm_vn_trusted_flow import trusted


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

    # sale_loyalty moves the customer's points as the salesperson in these flows: they are
    # the ways points legitimately change with an order (see crm_vn_trusted_flow).
    @trusted
    def action_confirm(self):
        return super().action_confirm()

    @trusted
    def copy(self, default=None):
        return super().copy(default)

    @trusted
    def _apply_program_reward(self, reward, coupon, **kwargs):
        return super()._apply_program_reward(reward, coupon, **kwargs)

    @trusted
    def _try_apply_program(self, program, coupon=None):
        return super()._try_apply_program(program, coupon=coupon)

    @trusted
    def _try_apply_code(self, code):
        return super()._try_apply_code(code)

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

    @trusted
    def _action_cancel(self):
        # Odoo deletes the order's history lines and takes back all it earned; the part
        # already taken back on refunds must not be taken twice, and the balance must
        # not go below zero.
        cards = (self.coupon_point_ids.coupon_id | self.order_line.coupon_id).sudo()
        taken_back = self._crm_vn_points_taken_back()
        res = super()._action_cancel()
        cards = cards.exists()  # Odoo deletes the coupons an order created for itself
        for card in cards:
            if taken_back.get(card):
                card.points += taken_back[card]
        cards._crm_vn_floor_balance()
        self._crm_vn_recompute_tiers()
        return res

    # Loyalty points (tích điểm) on top of sale_loyalty: the tier multiplies what an order
    # earns; edits, refunds and cancellations move the card by exactly the difference.
    def _crm_vn_points_multiplier(self):
        tier = self.partner_id.commercial_partner_id.tier_id
        return tier.points_multiplier if tier else 1.0

    def _crm_vn_base_points(self, points):
        multiplier = self._crm_vn_points_multiplier()
        return points / multiplier if multiplier else 0.0

    def _program_check_compute_points(self, programs):
        result = super()._program_check_compute_points(programs)
        multiplier = self._crm_vn_points_multiplier()
        if multiplier != 1.0:
            for program, status in result.items():
                if program.program_type == "loyalty" and "points" in status:
                    status["points"] = [points * multiplier for points in status["points"]]
        return result

    def _add_loyalty_history_lines(self):
        result = super()._add_loyalty_history_lines()
        tier = self.partner_id.commercial_partner_id.tier_id
        multiplier = self._crm_vn_points_multiplier()
        earnings = self.env["loyalty.history"].sudo().search([
            ("order_model", "=", self._name), ("order_id", "=", self.id),
            ("card_id.program_id.program_type", "=", "loyalty"), ("crm_vn_kind", "=", False)])
        for line in earnings:
            # sale_loyalty keeps only the last reward line's cost when a reward spans
            # several lines (one per tax rate): the history must show all that was spent.
            spent = sum(self.order_line.filtered(
                lambda order_line, card=line.card_id: order_line.coupon_id == card
            ).mapped("points_cost"))
            values = {"crm_vn_kind": "earning", "used": spent,
                      "crm_vn_base_points": self._crm_vn_base_points(line.issued)}
            if tier and multiplier != 1.0:
                values["description"] = self.env._(
                    "%(description)s (×%(multiplier)s for a %(tier)s customer)",
                    description=line.description, multiplier="%g" % multiplier,
                    tier=tier.name)
            line.write(values)
        return result

    @trusted
    def _update_programs_and_rewards(self):
        # On a confirmed order (Promotions button) Odoo updates what the order earns but
        # not the card: move the card by the difference.
        if self.state != "sale":
            return super()._update_programs_and_rewards()
        before = {entry: entry.points for entry in self._crm_vn_loyalty_entries()}
        result = super()._update_programs_and_rewards()
        for entry, points in before.items():
            difference = entry.exists() and entry.points - points
            if difference and not float_is_zero(difference, precision_digits=2):
                entry.coupon_id._crm_vn_post(
                    difference, self.env._("Order %s edited", self.name), "edit", order=self,
                    base=self._crm_vn_base_points(difference))
        return result

    def _crm_vn_loyalty_entries(self):
        return self.coupon_point_ids.filtered(
            lambda entry: entry.coupon_id.program_id.program_type == "loyalty")

    def _crm_vn_sync_confirmed_points(self):
        """A confirmed order whose lines change earns the new amount: the card moves by
        the difference, once, however often the order is saved."""
        for order in self.filtered(lambda o: o.state == "sale"):
            entries = order._crm_vn_loyalty_entries()
            status = order._program_check_compute_points(entries.coupon_id.program_id)
            for entry in entries:
                points = status.get(entry.coupon_id.program_id, {}).get("points") or [0.0]
                difference = points[0] - entry.points
                if float_is_zero(difference, precision_digits=2):
                    continue
                entry.sudo().points = points[0]
                entry.coupon_id._crm_vn_post(
                    difference, self.env._("Order %s edited", order.name), "edit", order=order,
                    base=order._crm_vn_base_points(difference))

    def _crm_vn_points_taken_back(self):
        """{card: points taken back so far on this order's refunds}."""
        taken = {}
        lines = self.env["loyalty.history"].sudo().search([
            ("order_model", "=", self._name), ("order_id", "in", self.ids),
            ("crm_vn_kind", "=", "refund")])
        for line in lines:
            taken[line.card_id] = taken.get(line.card_id, 0.0) + line.used - line.issued
        return taken

    def _crm_vn_take_back_refunded_points(self):
        """Take back the share of the points an order earned that its posted credit notes
        refund; recomputed from scratch each time, so it never takes back twice."""
        for order in self.filtered(lambda o: o.state == "sale" and o.amount_untaxed):
            refunds = order.invoice_ids.filtered(
                lambda move: move.move_type == "out_refund" and move.state == "posted")
            share = min(1.0, sum(refunds.mapped("amount_untaxed")) / order.amount_untaxed)
            taken = order._crm_vn_points_taken_back()
            for entry in order._crm_vn_loyalty_entries():
                due = entry.points * share - taken.get(entry.coupon_id, 0.0)
                if float_is_zero(due, precision_digits=2):
                    continue
                entry.coupon_id._crm_vn_post(
                    -due, self.env._("Refund of order %s", order.name), "refund", order=order,
                    base=order._crm_vn_base_points(-due))

    def _crm_vn_recompute_tiers(self):
        # The customer sees its new tier the moment the order is confirmed or cancelled;
        # one batched recomputation for all customers of these orders. Bulk loads of past
        # orders skip it and recompute once at the end.
        if not self.env.context.get("crm_vn_skip_tier_recompute"):
            self.env["crm.vn.tier.engine"].sudo()._recompute(self.partner_id, orders=self)
