import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, formatLang

from .crm_vn_batches import BATCH_SIZE, run_batch
from .crm_vn_trusted_flow import check_protected_change

_logger = logging.getLogger(__name__)

# Who may change points by hand (audited), outside the order, refund and cron flows.
POINTS_MANAGER_GROUPS = ("crm_vn_custom.group_crm_vn_care_manager",
                         "sales_team.group_sale_manager")
# What moves points between customers or changes how many a customer has.
PROTECTED_CARD_FIELDS = frozenset({"points", "crm_vn_points_debt", "partner_id", "program_id"})

# Points of a card still unspent per earning line, spending oldest first: an earning's
# remainder is what is left of it once everything used so far has been taken from the
# oldest earnings. What an order takes back from itself (its refunds, lower edits and
# expiries) comes off that order's own lines first, so that an order's expiry never
# counts points of it a credit note already took back. Correct as long as the balance
# never goes below zero, which the debt (crm_vn_points_debt) guarantees. One row per card
# and order the lines were earned on (bonuses and adjustments: no order), oldest first, so
# that each order's expiry is written on the order and a cancellation never takes back
# points of it that already expired.
UNSPENT_QUERY = """
    WITH own AS (
        SELECT card_id, order_model, order_id, SUM(used) AS used FROM loyalty_history
         WHERE card_id = ANY(%(cards)s) AND order_id IS NOT NULL
           AND crm_vn_kind IN ('edit', 'refund', 'expiry')
      GROUP BY card_id, order_model, order_id
    ), lines AS (
        SELECT h.card_id, h.id, h.create_date, h.crm_vn_expiry_date AS expiry,
               h.order_model, h.order_id,
               GREATEST(0, LEAST(h.issued, SUM(h.issued) OVER (
                   PARTITION BY h.card_id, h.order_model, h.order_id
                   ORDER BY h.create_date, h.id) - COALESCE(o.used, 0))) AS issued
          FROM loyalty_history h
     LEFT JOIN own o ON o.card_id = h.card_id AND o.order_model = h.order_model
                    AND o.order_id = h.order_id
         WHERE h.card_id = ANY(%(cards)s) AND h.issued > 0
    ), earnings AS (
        SELECT lines.*,
               SUM(issued) OVER (PARTITION BY card_id ORDER BY create_date, id) AS cum
          FROM lines
    ), spent AS (
        SELECT card_id, SUM(used) AS used FROM loyalty_history
         WHERE card_id = ANY(%(cards)s)
           AND NOT (order_id IS NOT NULL AND COALESCE(crm_vn_kind, 'earning')
                    IN ('edit', 'refund', 'expiry'))
      GROUP BY card_id
    )
    SELECT e.card_id, e.order_model, e.order_id,
           SUM(GREATEST(0, LEAST(e.issued, e.cum - COALESCE(s.used, 0)))) AS unspent
      FROM earnings e LEFT JOIN spent s USING (card_id)
     WHERE e.expiry <= %(until)s
  GROUP BY e.card_id, e.order_model, e.order_id
  ORDER BY e.card_id, MIN(e.cum)
"""

# What _crm_vn_post does for one line, for a whole batch in one statement: the history
# lines (a bonus already given for its occasion is skipped: unique per card), then each
# card's balance moved by the sum of its new lines. Returns each card's balance before
# and after.
POST_BATCH_QUERY = """
    WITH line AS (
        INSERT INTO loyalty_history (card_id, description, issued, used, order_model,
                                     order_id, crm_vn_kind, crm_vn_occasion,
                                     crm_vn_base_points, crm_vn_expiry_date,
                                     crm_vn_expiry_done, crm_vn_reminder_sent,
                                     create_uid, create_date, write_uid, write_date)
        SELECT v.card_id, %(description)s, GREATEST(v.points, 0), GREATEST(-v.points, 0),
               v.order_model, v.order_id, %(kind)s, v.occasion, 0, v.expiry, FALSE, FALSE,
               %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM unnest(%(cards)s::int[], %(points)s::float8[], %(order_models)s::varchar[],
                      %(order_ids)s::int[], %(occasions)s::varchar[], %(expiries)s::date[])
               AS v(card_id, points, order_model, order_id, occasion, expiry)
            ON CONFLICT (card_id, crm_vn_occasion) DO NOTHING
     RETURNING card_id, issued - used AS change
    ), moved AS (
        SELECT card_id, SUM(change) AS change FROM line GROUP BY card_id
    )
    UPDATE loyalty_card c
       SET points = c.points + m.change, write_uid = %(uid)s, write_date = %(now)s
      FROM moved m
     WHERE c.id = m.card_id
 RETURNING c.id, c.points - m.change, c.points
"""


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    crm_vn_points_debt = fields.Float(
        string="Points Owed", readonly=True,
        help="Points taken back (cancelled or refunded orders) beyond the balance; the "
        "next points earned settle them first.")

    def _format_points(self, points):
        # Odoo writes "7111 points": thousands are grouped the way the reader's language
        # does (7.111 điểm in Vietnamese), wherever points are shown or written.
        self.ensure_one()
        if self.point_name == self.program_id.currency_id.symbol:
            return super()._format_points(points)
        return f"{self._crm_vn_format_number(points)} {self.point_name or ''}"

    @api.model
    def _crm_vn_format_number(self, number):
        """A number of points (or a multiplier) in the language of the context: grouped
        thousands, and only the decimals there are (up to two): 7.111, 1,5, 12,25."""
        number = round(number or 0, 2)
        digits = next(digits for digits in (0, 1, 2) if round(number, digits) == number)
        return formatLang(self.env, number, digits=digits)

    def _crm_vn_post(self, points, description, kind, order=None, occasion=None, base=0.0,
                     expiry=False):
        """The one way the addon changes a card's points, with a history line saying why:
        earnings settle any debt first, a take-back larger than the balance leaves the
        balance at zero and records the rest as a debt."""
        self.ensure_one()
        card = self.sudo()
        self.env["loyalty.history"].sudo().create({
            "card_id": card.id, "crm_vn_kind": kind, "description": description,
            "order_model": order and order._name, "order_id": order and order.id,
            "crm_vn_base_points": base, "crm_vn_occasion": occasion,
            "issued": max(points, 0.0), "used": max(-points, 0.0),
            "crm_vn_expiry_date": expiry,
        })
        card.points += points  # settles a debt when positive (see write)
        card._crm_vn_floor_balance()
        return True

    @api.model
    def _crm_vn_post_batch(self, entries, description, kind):
        """What _crm_vn_post does, for many cards at once (the crons' batches): one
        statement writes the history lines and moves the balances, one call logs the
        change in each card's chatter (the ORM wrote a line, then a tracked balance
        change, card after card: ~3.5 queries a card). ``entries``: (card, points, order
        or None, occasion or None, expiry date or False). A line whose occasion the card
        already has is skipped. Returns {card: points added}."""
        if not entries:
            return {}
        self.env["loyalty.history"].flush_model()
        self.flush_model(["points"])
        self.env.cr.execute(POST_BATCH_QUERY, {
            "description": description, "kind": kind, "uid": self.env.uid,
            "now": fields.Datetime.now(),
            "cards": [card.id for card, *_rest in entries],
            "points": [points for _card, points, *_rest in entries],
            "order_models": [order._name if order else None for _c, _p, order, *_r in entries],
            "order_ids": [order.id if order else None for _c, _p, order, *_r in entries],
            "occasions": [occasion or None for *_rest, occasion, _expiry in entries],
            "expiries": [expiry or None for *_rest, expiry in entries],
        })
        moved = {self.browse(card_id): (old, new) for card_id, old, new in self.env.cr.fetchall()}
        cards = self.browse().union(*moved).sudo()
        cards.invalidate_recordset(["points", "history_ids"])
        if not cards:
            return {}
        cards._message_log_batch(bodies={
            card.id: self.env._("%(field)s: %(old)s → %(new)s (%(reason)s)",
                                field=self._fields["points"]._description_string(self.env),
                                old=card._crm_vn_format_number(old),
                                new=card._crm_vn_format_number(new), reason=description)
            for card, (old, new) in moved.items()})
        # What writing the balance through the ORM would also have done: debts settled by
        # what was added, a balance kept at zero, the programme's "points reached" mails.
        cards.filtered(lambda c: c.points > 0 and c.crm_vn_points_debt > 0)._crm_vn_settle_debt()
        cards._crm_vn_floor_balance()
        cards._send_points_reach_communication(
            {card: {"old": old, "new": new} for card, (old, new) in moved.items()})
        return {card: new - old for card, (old, new) in moved.items()}

    @api.model
    def _crm_vn_points_refused(self):
        return AccessError(self.env._(
            "Loyalty points change only through orders, refunds and the points rules. "
            "Ask a care manager to adjust a customer's points (Update Balance)."))

    @api.model
    def _crm_vn_check_points_change(self):
        """True when a manager changes points by hand (to be audited); refused for anyone
        else outside the addon's flows."""
        return check_protected_change(self.env, POINTS_MANAGER_GROUPS,
                                      self._crm_vn_points_refused())

    @api.model_create_multi
    def create(self, vals_list):
        audited = any(vals.get("points") or vals.get("crm_vn_points_debt")
                      for vals in vals_list) and self._crm_vn_check_points_change()
        cards = super().create(vals_list)
        if audited:
            for card in cards.filtered("points"):
                self.env["crm.vn.audit.log"]._log_points_adjustment(
                    card, 0.0, card.points, self.env._("Card created with points"))
        return cards

    def write(self, vals):
        audited = bool(PROTECTED_CARD_FIELDS & vals.keys()) and self._crm_vn_check_points_change()
        old_balances = {card: card.points for card in self} if audited else {}
        # Points reach a card in many ways (orders, point of sale, eCommerce, Odoo's own
        # wizards): whatever adds them settles a debt first.
        result = super().write(vals)
        reason = self.env._("Changed directly on the card")
        for card, old_balance in old_balances.items():
            self.env["crm.vn.audit.log"]._log_points_adjustment(
                card, old_balance, card.points, reason)
            change = card.points - old_balance
            if change:
                # The history must still add up to the balance.
                self.env["loyalty.history"].sudo().create({
                    "card_id": card.id, "crm_vn_kind": "adjustment", "description": reason,
                    "issued": max(change, 0.0), "used": max(-change, 0.0)})
        if vals.get("points") and not self.env.context.get("crm_vn_settling"):
            self._crm_vn_settle_debt()
        return result

    def _crm_vn_settle_debt(self):
        cards = self.sudo().with_context(crm_vn_settling=True)
        for card in cards.filtered(lambda c: c.crm_vn_points_debt > 0 and c.points > 0):
            settled = min(card.points, card.crm_vn_points_debt)
            self.env["loyalty.history"].sudo().create({
                "card_id": card.id, "crm_vn_kind": "settlement", "used": settled,
                "description": self.env._("Points owed from a cancelled or refunded order"),
            })
            card.points -= settled
            card.crm_vn_points_debt -= settled

    def _crm_vn_floor_balance(self):
        """Odoo takes back the points of a cancelled order even below zero: keep the
        balance at zero and owe the rest instead."""
        for card in self.sudo().filtered(lambda c: c.points < 0):
            owed = -card.points
            self.env["loyalty.history"].sudo().create({
                "card_id": card.id, "crm_vn_kind": "debt", "issued": owed,
                "description": self.env._("%(points)s points taken back beyond the balance "
                                          "are owed", points=card._format_points(owed)),
            })
            card.points = 0
            card.crm_vn_points_debt += owed

    def _crm_vn_unspent_by_order(self, until):
        """{card id: [(order or None, points)]}: the points earned that are still unspent
        and expire by ``until``, per order they were earned on, oldest first, never more
        in all than the card's balance."""
        if not self:
            return {}
        self.env["loyalty.history"].flush_model()
        self.env.cr.execute(UNSPENT_QUERY, {"cards": self.ids, "until": until})
        # Fetched before reading the balances: reading them may query the same cursor.
        rows = self.env.cr.fetchall()
        balances = {card.id: card.points for card in self}
        result = {}
        for card_id, order_model, order_id, unspent in rows:
            points = min(unspent or 0.0, balances[card_id])
            if points <= 0:
                continue
            balances[card_id] -= points
            order = (self.env[order_model].browse(order_id)
                     if order_model in self.env and order_id else None)
            result.setdefault(card_id, []).append((order, points))
        return result

    def _crm_vn_unspent_until(self, until):
        """{card id: points earned that are still unspent and expire by ``until``}."""
        return {card_id: sum(points for _order, points in parts)
                for card_id, parts in self._crm_vn_unspent_by_order(until).items()}

    @api.model
    def _cron_crm_vn_expire_points(self):
        """Daily: expire what is due, oldest earnings first, then remind customers whose
        points expire soon; one batch of cards per call, the cron worker calls again
        while some remain and commits between calls."""
        done, remaining = self._crm_vn_expire_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _crm_vn_expire_batch(self, batch_size=BATCH_SIZE):
        """The next ``batch_size`` cards with points due (locked, so that two workers
        never expire the same points twice), then, with what is left of the batch, cards
        to remind. A card's due lines are marked processed in the same transaction as
        its expiry lines: after a crash, the next call takes exactly the cards whose
        batch was lost. Returns (done, remaining)."""
        today = fields.Date.context_today(self)
        due_domain = [("crm_vn_expiry_date", "<=", today), ("crm_vn_expiry_done", "=", False)]
        due = self._crm_vn_claim_cards(due_domain, batch_size)
        expired = due._crm_vn_unspent_by_order(today)
        self._crm_vn_post_batch([
            (card, -points, order, None, False)
            for card in due for order, points in expired.get(card.id, [])],
            self.env._("Points expired"), "expiry")
        self._crm_vn_mark_lines(due, due_domain, "crm_vn_expiry_done")
        reminded, reminders_left = self._crm_vn_send_expiry_reminders(
            today, batch_size - len(due))
        remaining = self._crm_vn_cards_with(due_domain) + reminders_left
        _logger.info("Loyalty points: %s cards expired, %s reminded, %s remaining",
                     len(due), reminded, remaining)
        return len(due) + reminded, remaining

    @api.model
    def _crm_vn_cards_with(self, history_domain):
        """How many cards have history lines matching ``history_domain``."""
        query = self.env["loyalty.history"].sudo()._search(history_domain)
        return self.env.execute_query(SQL(
            "SELECT COUNT(DISTINCT loyalty_history.card_id) FROM %s WHERE %s",
            query.from_clause, query.where_clause))[0][0]

    @api.model
    def _crm_vn_mark_lines(self, cards, history_domain, flag):
        """Mark the lines of ``cards`` matching ``history_domain`` processed (``flag``),
        in one UPDATE."""
        if cards:
            self.env["loyalty.history"].sudo().search(
                [("card_id", "in", cards.ids), *history_domain]).write({flag: True})

    def _crm_vn_claim_cards(self, history_domain, limit):
        if limit <= 0:
            return self.browse()
        lines = self.env["loyalty.history"].sudo().search(history_domain, limit=limit * 10)
        cards = lines.card_id[:limit]
        if not cards:
            return cards
        self.env.cr.execute(
            "SELECT id FROM loyalty_card WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED",
            [cards.ids])
        return self.browse([row[0] for row in self.env.cr.fetchall()]).sudo()

    def _crm_vn_send_expiry_reminders(self, today, batch_size):
        """Reminders for at most ``batch_size`` cards: one mail per card whose customer
        has an email, every card's lines marked reminded. Returns (cards done, cards
        remaining)."""
        companies = self.env["res.company"].sudo().search(
            [("crm_vn_points_expiry_notice_days", ">", 0)], order="id")
        done = remaining = 0
        for company in companies:
            until = fields.Date.add(today, days=company.crm_vn_points_expiry_notice_days)
            domain = [
                ("card_id.company_id", "=", company.id), ("crm_vn_expiry_date", ">", today),
                ("crm_vn_expiry_date", "<=", until), ("crm_vn_reminder_sent", "=", False)]
            cards = self._crm_vn_claim_cards(domain, batch_size - done)
            expiring = cards._crm_vn_unspent_until(until)
            template = company._crm_vn_points_expiry_template()
            mailed = cards.filtered(lambda c, e=expiring: e.get(c.id) and c.partner_id.email)
            if template and mailed:
                self._crm_vn_send_reminders(template, mailed, expiring, until)
            self._crm_vn_mark_lines(cards, domain, "crm_vn_reminder_sent")
            done += len(cards)
            remaining += self._crm_vn_cards_with(domain)
        return done, remaining

    @api.model
    def _crm_vn_send_reminders(self, template, cards, expiring, until):
        """The reminders of a batch rendered and queued in one send_mail_batch: the
        template reads each card's points from the context
        (``_crm_vn_reminder_points``). A template written before it (it read one number,
        ``crm_vn_expiring_points``, from the context) is rendered card by card."""
        template = template.with_context(crm_vn_expiring_by=until)
        if "crm_vn_expiring_points'" in (template.body_html or ""):
            for card in cards:
                template.with_context(crm_vn_expiring_points=expiring[card.id]).send_mail(
                    card.id)
            return
        template.with_context(crm_vn_reminder_points=expiring).send_mail_batch(cards.ids)

    def _crm_vn_reminder_points(self):
        """The points of this card the reminder being sent is about."""
        self.ensure_one()
        return (self.env.context.get("crm_vn_reminder_points") or {}).get(self.id, 0.0)

    @api.model
    def _crm_vn_card_of(self, partner, program):
        return self._crm_vn_cards_of(partner, program)[partner]

    @api.model
    def _crm_vn_cards_of(self, partners, program):
        """{partner: its card of ``program``}, the missing cards created in one call."""
        cards = {card.partner_id: card for card in self.sudo().search(
            [("partner_id", "in", partners.ids), ("program_id", "=", program.id)],
            order="id desc")}
        missing = partners.filtered(lambda p: p not in cards)
        created = self.sudo().with_context(loyalty_no_mail=True).create([
            {"partner_id": partner.id, "program_id": program.id, "points": 0}
            for partner in missing])
        cards.update(zip(missing, created, strict=True))
        return cards

    @api.model
    def _crm_vn_give_bonuses(self, company, gifts, occasion, description):
        """Credit ``gifts`` ((partner, points)) once per occasion: the occasion is unique
        per card in the database, so reruns and concurrent workers cannot give it twice;
        a whole batch in one statement (see _crm_vn_post_batch). Returns the cards
        credited now."""
        program = company.crm_vn_loyalty_program_id
        gifts = [(partner, points) for partner, points in gifts if points > 0]
        if not program or not gifts:
            return self.browse()
        cards = self._crm_vn_cards_of(self.env["res.partner"].union(
            *(partner for partner, _points in gifts)), program)
        expiry = self.env["loyalty.history"]._crm_vn_expiry_of(program)
        given = self._crm_vn_post_batch(
            [(cards[partner], points, None, occasion, expiry) for partner, points in gifts],
            description, "bonus")
        return self.browse().union(*given)

    @api.model
    def _cron_crm_vn_birthday_bonus(self):
        """Daily: birthday bonus points (solar or lunar birthday), a batch of customers
        per call; the cron worker calls again while some remain and commits between
        calls."""
        done, remaining = self._crm_vn_birthday_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _crm_vn_birthday_batch(self, batch_size=BATCH_SIZE):
        """The next ``batch_size`` customers celebrating without their bonus. The last
        week is looked at too, so a day the server was down is caught up; occasions keep
        it once a year, and the customers who already have it are left out by the search,
        so that after a crash the next call goes on with the others. Returns (done,
        remaining)."""
        today = fields.Date.context_today(self)
        units = []
        for company in self.env["res.company"].sudo().search(
                [("crm_vn_loyalty_program_id", "!=", False)], order="id"):
            # The tier in this company (a customer shared by the group holds one in each).
            Partner = self.env["res.partner"].sudo().with_company(company)
            for day in (today - timedelta(days=back) for back in range(6, -1, -1)):
                occasion = f"birthday:{day.year}"
                given = SQL("""(SELECT card.partner_id FROM loyalty_card card
                                  JOIN loyalty_history line ON line.card_id = card.id
                                 WHERE card.program_id = %s AND line.crm_vn_occasion = %s)""",
                            company.crm_vn_loyalty_program_id.id, occasion)
                units.append((Partner, Partner._crm_vn_celebrating_domain(day) + [
                    ("parent_id", "=", False), ("tier_id.company_id", "=", company.id),
                    ("tier_id.birthday_bonus_points", ">", 0), ("id", "not in", given)],
                    lambda partners, company=company, occasion=occasion, year=day.year:
                        self._crm_vn_give_bonuses(
                            company, [(p, p.tier_id.birthday_bonus_points) for p in partners],
                            occasion, self.env._("Happy birthday %(year)s!", year=year))))
        done, remaining = run_batch(units, batch_size)
        _logger.info("Loyalty points: %s birthday bonuses given, %s remaining", done, remaining)
        return done, remaining
