"""Every cron of the addon as Odoo's cron worker runs it: one batch per call, a commit
after each call (``ir.cron._process_job`` in test mode, where a commit is a savepoint),
called again while work remains. A run that fails in the middle loses only the batch in
progress; the next run finishes the work without repeating or skipping anything."""

from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_care import CareCommon
from .test_loyalty import LoyaltyCommon


class Crash(Exception):
    """A worker killed, a timeout or a deploy in the middle of a batch."""


class CronCommon(CareCommon, LoyaltyCommon):
    def _job(self, xmlid):
        cron = self.env.ref(xmlid)
        return {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}

    @contextmanager
    def _batches(self, model, method, batch_size, fail_at=None):
        """The batch method ``method`` of ``model`` with small batches, raising after the
        work of its ``fail_at``-th call is done (before its commit). Yields the calls'
        results."""
        model_class = type(self.env[model])
        original = getattr(model_class, method)
        calls = []

        def batch(records):
            result = original(records, batch_size=batch_size)
            calls.append(result)
            if len(calls) == fail_at:
                raise Crash("the worker stopped in the middle of a batch")
            return result

        with patch.object(model_class, method, batch):
            yield calls

    def _run_job(self, xmlid):
        """One run of the cron by Odoo's cron worker: at most ten calls, each committed.
        Returns the remaining work of its last call."""
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr)
        try:
            with mute_logger("odoo.addons.base.models.ir_cron"):
                self.registry["ir.cron"]._process_job(
                    self.registry.db_name, self.registry.cursor(), self._job(xmlid))
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        return self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.env.ref(xmlid).id)], order="id desc", limit=1).remaining

    def _run_until_done(self, xmlid):
        for _run in range(50):  # the next runs, until the work is done
            if not self._run_job(xmlid):
                return
        self.fail("the cron never finished")

    def _crash(self, xmlid, method, fail_at, batch_size=2):
        """A run of the cron ``xmlid`` that dies in the ``fail_at``-th call of its batch
        method ``method``, after the work of that batch and before its commit."""
        model = self.env.ref(xmlid).model_id.model
        with self._batches(model, method, batch_size, fail_at) as calls:
            self._run_job(xmlid)
        self.assertEqual(len(calls), fail_at, "the run stopped at the failing batch")

    def _resume(self, xmlid, method, batch_size=2):
        """The runs after the crash, until the work is done."""
        with self._batches(self.env.ref(xmlid).model_id.model, method, batch_size):
            self._run_until_done(xmlid)


@tagged("post_install", "-at_install")
class TestCronsResumeAfterACrash(CronCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A tier of their own keeps the customers of the demo data out of the Tết step.
        cls.tet_tier = cls.env["crm.vn.tier"].create({
            "name": "Khách Tết", "code": "T", "rank": 9, "company_id": cls.company.id,
            "min_revenue": 10**12, "min_order_count": 1000,
            "birthday_bonus_points": 50})
        cls.customers = cls.env["res.partner"].create([{
            "name": f"Khách Tết {index}", "company_id": cls.company.id, "customer_rank": 1,
            "tier_id": cls.tet_tier.id, "user_id": cls.salesperson.id,
            "birthday": date(1990, 11, 23)} for index in range(7)])

    def test_tet_greetings_each_customer_exactly_once(self):
        self.env.ref("crm_vn_custom.care_step_tet").crm_vn_tier_ids = self.tet_tier
        occurrences = self.env["crm.vn.care.occurrence"]
        step = self.env.ref("crm_vn_custom.care_step_tet")

        def greeted():
            found = occurrences.search([("template_id", "=", step.id),
                                        ("res_id", "in", self.customers.ids)])
            activities = self.env["mail.activity"].search([
                ("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids),
                ("summary", "=", step.summary)])
            # An activity always comes with its occurrence: none was made twice or lost.
            self.assertEqual(sorted(found.mapped("res_id")), sorted(activities.mapped("res_id")))
            self.assertEqual(found.activity_id, activities)
            return found

        with freeze_time("2027-01-30"):  # seven days before Tết 2027
            self._crash("crm_vn_custom.ir_cron_care_date_steps", "_run_date_steps_batch", 3)
            self.assertEqual(len(greeted()), 4, "two batches committed, the third lost")
            self._resume("crm_vn_custom.ir_cron_care_date_steps", "_run_date_steps_batch")
            self.assertEqual(sorted(greeted().mapped("res_id")), sorted(self.customers.ids),
                             "every customer greeted, once")

    def test_birthday_bonus_each_customer_exactly_once(self):
        # Only this company's customers (the demo company's would come first).
        self.env["res.company"].search([("id", "!=", self.company.id)]).write(
            {"crm_vn_loyalty_program_id": False})
        with freeze_time("2026-11-23"):
            self._crash("crm_vn_custom.ir_cron_birthday_bonus", "_crm_vn_birthday_batch", 2)
            cards = self.env["loyalty.card"].search([("partner_id", "in", self.customers.ids)])
            self.assertEqual(cards.mapped("points"), [50.0, 50.0], "one batch committed")
            self._resume("crm_vn_custom.ir_cron_birthday_bonus", "_crm_vn_birthday_batch")
        for customer in self.customers:
            card = self._card(customer)
            self.assertEqual(card.points, 50)
            bonus = card.history_ids.filtered(lambda h: h.crm_vn_kind == "bonus")
            self.assertEqual((len(bonus), bonus.crm_vn_occasion, bonus.crm_vn_expiry_date),
                             (1, "birthday:2026", date(2027, 11, 23)))
            self.assertIn("50", card.message_ids[:1].body, "the balance change is logged")

    def test_points_expire_exactly_once(self):
        with freeze_time("2026-01-10"):
            for customer in self.customers:
                self._order(customer, 1 + self.customers.ids.index(customer.id))
        earned = {customer: self._points(customer) for customer in self.customers}
        with freeze_time("2027-02-01"):
            self._crash("crm_vn_custom.ir_cron_expire_points", "_crm_vn_expire_batch", 3)
            expired = [customer for customer in self.customers if not self._points(customer)]
            self.assertEqual(len(expired), 4, "two batches committed, the third lost")
            self._resume("crm_vn_custom.ir_cron_expire_points", "_crm_vn_expire_batch")
        for customer in self.customers:
            card = self._card(customer)
            self.assertEqual(card.points, 0)
            expiry = card.history_ids.filtered(lambda h: h.crm_vn_kind == "expiry")
            self.assertEqual(expiry.mapped("used"), [earned[customer]], "expired once")
            self.assertEqual(sum(card.history_ids.mapped("issued"))
                             - sum(card.history_ids.mapped("used")), card.points,
                             "the balance is the sum of the history")
            self.assertIn("Points expired", card.message_ids[:1].body)

    def test_overdue_care_escalated_exactly_once(self):
        self.company.crm_vn_care_escalation_days = 14
        self.customers.write({"last_interaction_date": date(2026, 1, 1), "tier_id": self.member.id})
        self.assertEqual(self.customers.mapped("next_care_date"), [date(2026, 4, 1)] * 7)

        def alerts():
            return self.env["mail.activity"].search([
                ("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids),
                ("user_id", "=", self.leader.id)])

        with freeze_time("2026-11-23 09:00:00"):
            self._crash("crm_vn_custom.ir_cron_complaint_deadlines", "_check_deadlines_batch", 2)
            self.assertLess(len(alerts()), 7)
            self._resume("crm_vn_custom.ir_cron_complaint_deadlines", "_check_deadlines_batch")
        self.assertEqual(sorted(alerts().mapped("res_id")), sorted(self.customers.ids))
        self.assertEqual(set(self.customers.mapped("crm_vn_care_escalated_for")),
                         {date(2026, 4, 1)})

    def test_tier_recompute_resumes_where_it_stopped(self):
        self.customers.write({"tier_id": False})
        for customer in self.customers:
            self._order(customer, 1, confirm=False).with_context(
                crm_vn_skip_tier_recompute=True).action_confirm()
        History = self.env["crm.vn.tier.history"]
        self.env["crm.vn.tier.cursor"].search([]).unlink()
        self._crash("crm_vn_custom.ir_cron_recompute_tiers", "_recompute_all_batch", 2,
                    batch_size=100)
        cursor = self.env["crm.vn.tier.cursor"].search([])
        self.assertEqual(cursor.done, 100, "the first batch committed, the second lost")
        self._resume("crm_vn_custom.ir_cron_recompute_tiers", "_recompute_all_batch",
                     batch_size=100)
        self.assertEqual(self.customers.tier_id, self.member)
        self.assertEqual(History.search_count([("partner_id", "in", self.customers.ids)]), 7,
                         "each customer's change written once")
        self.assertTrue(all(self.customers.mapped("rfm_segment")))
        self.assertFalse(self.env["ir.config_parameter"].get_param("crm_vn_custom.tier_cursor"),
                         "no shared state in the parameters")


@tagged("post_install", "-at_install")
class TestCronBatchQueries(LoyaltyCommon):
    """Set-based batches: the queries of a batch do not depend on how many cards or
    customers it holds."""

    def _queries(self, work):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = work()
        self.env.flush_all()
        return self.cr.sql_log_count - before, result

    def test_points_expiry_queries_per_batch(self):
        # The demo data's points are not this test's.
        self.env["loyalty.history"].search([]).write(
            {"crm_vn_expiry_done": True, "crm_vn_reminder_sent": True})
        customers = [self._customer(f"Khách {index}") for index in range(6)]
        with freeze_time("2026-01-10"):
            for customer in customers:
                self._order(customer, 1)
        Card = self.env["loyalty.card"]
        with freeze_time("2027-02-01"):
            Card._crm_vn_expire_batch(1)  # a first batch fills Odoo's caches (xml ids...)
            small, (done_small, _rest) = self._queries(lambda: Card._crm_vn_expire_batch(2))
            large, (done_large, rest) = self._queries(lambda: Card._crm_vn_expire_batch(3))
        self.assertEqual((done_small, done_large, rest), (2, 3, 0))
        self.assertEqual(large, small)
        self.assertEqual([self._points(customer) for customer in customers], [0] * 6)

    def test_birthday_bonus_queries_per_batch(self):
        self.env["res.company"].search([("id", "!=", self.company.id)]).write(
            {"crm_vn_loyalty_program_id": False})
        self.member.birthday_bonus_points = 50
        customers = self.env["res.partner"].create([{
            "name": f"Khách {index}", "company_id": self.company.id, "customer_rank": 1,
            "tier_id": self.member.id, "birthday": date(1990, 11, 23)} for index in range(6)])
        Card = self.env["loyalty.card"]
        with freeze_time("2026-11-23"):
            Card._crm_vn_birthday_batch(1)  # a first batch fills Odoo's caches
            small, (done_small, _rest) = self._queries(lambda: Card._crm_vn_birthday_batch(2))
            large, (done_large, rest) = self._queries(lambda: Card._crm_vn_birthday_batch(3))
        self.assertEqual((done_small, done_large, rest), (2, 3, 0))
        self.assertEqual(large, small)
        self.assertEqual([self._points(customer) for customer in customers], [50] * 6)
