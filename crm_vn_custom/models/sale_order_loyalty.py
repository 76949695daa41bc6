from odoo import models
from odoo.tools import float_is_zero, float_round

from .crm_vn_trusted_flow import trusted


# The points of an order apart from its tier and care (issue 21): see sale_order.py.
class SaleOrder(models.Model):
    """Loyalty points (tích điểm) on top of sale_loyalty: the tier multiplies what an order
    earns; edits, refunds and cancellations move the card by exactly the difference."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # sale_loyalty moves the customer's points as the salesperson in these flows: they are
    # the ways points legitimately change with an order (see crm_vn_trusted_flow).
    @trusted
    def action_confirm(self):
        result = super().action_confirm()
        # Confirmed again while a credit note of it is posted: it earns only the rest.
        self._crm_vn_reconcile_points("refund", self.env._("Refund of order %s"))
        return result

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

    @trusted
    def _action_cancel(self):
        # Odoo deletes the order's history lines and takes back what its earning line
        # says it earned; the card must move by what all its lines add up to instead
        # (edits, refunds, redemptions, and its expiries: expired points are gone, they
        # are not taken back twice), so that the balance stays the sum of the history.
        confirmed = self.filtered(lambda o: o.state == "sale")
        lines = self.env["loyalty.history"].sudo().search([
            ("order_model", "=", self._name), ("order_id", "in", confirmed.ids)])
        held = {}
        for line in lines:
            held[line.card_id] = held.get(line.card_id, 0.0) + line.issued - line.used
        odoo_change = confirmed._get_point_changes()
        cards = (self.coupon_point_ids.coupon_id | self.order_line.coupon_id
                 | lines.card_id).sudo()
        res = super()._action_cancel()
        lines.exists().unlink()  # those the salesperson could not see
        for card in cards.exists():  # Odoo deletes the coupons an order created for itself
            correction = odoo_change.get(card, 0.0) - held.get(card, 0.0)
            if not float_is_zero(correction, precision_digits=2):
                card.points += correction
        cards.exists()._crm_vn_floor_balance()
        self._crm_vn_reconcile_points("refund", self.env._("Order %s cancelled"))
        self._crm_vn_recompute_tiers()
        return res

    def _crm_vn_points_multiplier(self):
        tier = self._crm_vn_customer().tier_id
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
        tier = self._crm_vn_customer().tier_id
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
        # not the card: reconcile the card with the new earning. (A programme applied
        # anew credits its card itself, in Odoo's __try_apply_program.)
        confirmed = self.filtered(lambda o: o.state == "sale")
        cards = confirmed._crm_vn_loyalty_entries().coupon_id
        result = super()._update_programs_and_rewards()
        confirmed._crm_vn_reconcile_points("edit", self.env._("Order %s edited"), cards=cards)
        return result

    def _update_loyalty_history(self, coupon_id, points):
        # A reward added to a confirmed order: what it spends is the redemption of the
        # order's earning line (Odoo takes the order's latest line, which may be an edit,
        # a refund or an expiry).
        earning = self.env["loyalty.history"].search([
            ("card_id", "=", coupon_id.id), ("order_model", "=", self._name),
            ("order_id", "=", self.id), ("crm_vn_kind", "in", ("earning", False))],
            order="id", limit=1)
        if not earning:
            return super()._update_loyalty_history(coupon_id, points)
        earning.update({"used": earning.used + points})
        return None

    def _crm_vn_loyalty_entries(self):
        return self.coupon_point_ids.filtered(
            lambda entry: entry.coupon_id.program_id.program_type == "loyalty")

    def _crm_vn_sync_confirmed_points(self):
        """A confirmed order whose lines change earns the new amount: its points entry is
        recomputed and the card reconciled, once, however often the order is saved."""
        for order in self.filtered(lambda o: o.state == "sale"):
            entries = order._crm_vn_loyalty_entries()
            status = order._program_check_compute_points(entries.coupon_id.program_id)
            for entry in entries:
                points = status.get(entry.coupon_id.program_id, {}).get("points") or [0.0]
                if not float_is_zero(points[0] - entry.points, precision_digits=2):
                    entry.sudo().points = points[0]
            order._crm_vn_reconcile_points("edit", self.env._("Order %s edited"))

    def _crm_vn_reconcile_points(self, kind, description, cards=None):
        """Bring each order's lines in the points history to its net earning (see
        crm.vn.concepts._order_net_earning), writing only the difference as one line of
        ``kind``; a take-back never reaches the points of the order that already expired
        (they are gone), and what the card cannot cover is owed. Reconciling again writes
        nothing. Only the cards ``cards`` when given."""
        concepts = self.env["crm.vn.concepts"]
        net = concepts._order_net_earning(self)
        ledger = concepts._order_points_ledger(self)
        for order, card in sorted(net.keys() | ledger.keys(),
                                  key=lambda key: (key[0].id, key[1].id)):
            if card.program_id.program_type != "loyalty" or (
                    cards is not None and card not in cards):
                continue
            held = ledger.get((order, card), {})
            expired = held.get("expired", 0.0)
            target = max(net.get((order, card), 0.0), expired)
            difference = float_round(target - held.get("credited", 0.0), precision_digits=2)
            if float_is_zero(difference, precision_digits=2):
                continue
            ratio = held.get("base_ratio")
            base = difference * ratio if ratio is not None else order._crm_vn_base_points(
                difference)
            expiry = False
            if difference > 0 and kind == "refund":
                # Points a credit note no longer takes back expire with the earning.
                expiry = self.env["loyalty.history"].sudo().search([
                    ("card_id", "=", card.id), ("order_model", "=", order._name),
                    ("order_id", "=", order.id), ("crm_vn_kind", "=", "earning")],
                    order="id", limit=1).crm_vn_expiry_date
            card._crm_vn_post(difference, description % order.name, kind, order=order,
                              base=base, expiry=expiry)
