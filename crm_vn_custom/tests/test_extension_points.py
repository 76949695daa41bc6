"""The extension points consultants use (see readme/DEVELOP.md): occasions and age groups
as records, triggers dispatched by method name, and the migration of installed plans."""

import importlib.util
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_care import CareCommon

MIGRATIONS = Path(__file__).parents[1] / "migrations"


@tagged("post_install", "-at_install")
class TestOccasions(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Occasion = cls.env["crm.vn.occasion"]
        cls.plan = cls.env.ref("crm_vn_custom.care_plan_recurring")

    def _step(self, occasion, summary):
        return self.env["mail.activity.plan.template"].create({
            "plan_id": self.plan.id, "crm_vn_trigger": "occasion",
            "crm_vn_occasion_id": occasion.id, "summary": summary,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "responsible_type": "salesperson"})

    def test_an_occasion_added_without_code_greets_on_its_day_once(self):
        occasion = self.Occasion.create({"name": "Ngày thành lập công ty", "day": 15,
                                         "month": 4})
        self._step(occasion, "Cảm ơn khách nhân ngày thành lập")
        customer = self._customer("Anh Khoa", customer_rank=1, user_id=self.salesperson.id)
        self._run_cron("2027-04-14")
        activities = self.env["mail.activity"].search([
            ("res_id", "=", customer.id), ("res_model", "=", "res.partner"),
            ("summary", "=", "Cảm ơn khách nhân ngày thành lập")])
        self.assertFalse(activities)
        self._run_cron("2027-04-15")
        self._run_cron("2027-04-16")
        activities = self.env["mail.activity"].search([
            ("res_id", "=", customer.id), ("res_model", "=", "res.partner"),
            ("summary", "=", "Cảm ơn khách nhân ngày thành lập")])
        self.assertEqual(len(activities), 1)
        self.assertEqual(self.env["crm.vn.care.occurrence"].search(
            [("activity_id", "=", activities.id)]).occasion, f"occasion_{occasion.id}:2027")

    def test_a_lunar_occasion_falls_on_its_solar_date_each_year(self):
        ong_tao = self.Occasion.create({"name": "Ông Công Ông Táo", "calendar": "lunar",
                                        "day": 23, "month": 12})
        self.assertTrue(ong_tao._falls_on(date(2027, 1, 30)))  # 23 tháng Chạp Bính Ngọ
        self.assertFalse(ong_tao._falls_on(date(2027, 1, 29)))
        tet = self.env.ref("crm_vn_custom.occasion_tet")
        self.assertTrue(tet._falls_on(self.env["crm.vn.calendar"]._tet_date(2027)))

    def test_days_that_do_not_exist_are_refused(self):
        with self.assertRaises(ValidationError):
            self.Occasion.create({"name": "Sai", "day": 30, "month": 2})
        with self.assertRaises(ValidationError):
            self.Occasion.create({"name": "Sai âm", "calendar": "lunar", "day": 31, "month": 1})
        with self.assertRaises(ValidationError):
            self.Occasion.create({"name": "Lọc sai", "day": 1, "month": 6,
                                  "partner_domain": "[('no_such_field', '=', 1)]"})
        leap_day = self.Occasion.create({"name": "Ngày nhuận", "day": 29, "month": 2})
        self.assertTrue(leap_day._falls_on(date(2027, 2, 28)), "kept on 28/2 in common years")

    def test_an_occasion_step_needs_its_occasion(self):
        with self.assertRaises(ValidationError):
            self._step(self.Occasion.browse(), "Không có dịp")

    def test_a_trigger_without_its_method_is_skipped_and_the_others_run(self):
        Step = self.env["mail.activity.plan.template"]
        field = Step._fields["crm_vn_trigger"]
        # What an extension adding a trigger with selection_add and no method leaves.
        self.patch(field, "selection", [*field.selection, ("x_forgotten", "Forgotten")])
        step = self.env.ref("crm_vn_custom.care_step_womens_day")
        self.env.cr.execute("UPDATE mail_activity_plan_template SET crm_vn_trigger = "
                            "'x_forgotten' WHERE id = %s", [step.id])
        step.invalidate_recordset(["crm_vn_trigger"])
        man = self._customer("Anh Hùng", gender="male", customer_rank=1)
        with self.assertLogs("odoo.addons.crm_vn_custom.models.crm_vn_care_engine",
                             "WARNING") as logs:
            self._run_cron("2027-11-20")
        self.assertIn("_crm_vn_trigger_x_forgotten", logs.output[0])
        self.assertTrue(self._activities(man, "care_step_teachers_day"))

    def test_installed_plans_keep_their_greeting_days(self):
        """Migration to 18.0.1.6.0: steps of the old holiday triggers become occasion steps
        with the occasion of the same code, so what they claimed stays claimed."""
        step = self.env.ref("crm_vn_custom.care_step_teachers_day")
        self.env.cr.execute("UPDATE mail_activity_plan_template SET crm_vn_trigger = "
                            "'teachers_day', crm_vn_occasion_id = NULL WHERE id = %s",
                            [step.id])
        for script in ("pre-migrate", "post-migrate"):
            path = MIGRATIONS / "18.0.1.6.0" / f"{script}.py"
            spec = importlib.util.spec_from_file_location(script.replace("-", "_"), path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.migrate(self.env.cr, "18.0.1.5.0")
        step.invalidate_recordset()
        self.assertEqual((step.crm_vn_trigger, step.crm_vn_occasion_id),
                         ("occasion", self.env.ref("crm_vn_custom.occasion_teachers_day")))


@tagged("post_install", "-at_install")
class TestAgeGroups(CareCommon):
    def test_customers_move_to_the_next_group_with_their_birthday(self):
        with freeze_time("2026-06-01"):
            vy = self._customer("Vy", birthday=date(2001, 6, 2))
            self.assertEqual(vy.age_group.code, "under_25")
        with freeze_time("2026-06-02"):
            self.env["res.partner"]._cron_crm_vn_update_age_groups()
            self.assertEqual(vy.age_group.code, "25_34")
            self.assertEqual(self.env["res.partner"].search(
                [("age_group.code", "=", "25_34"), ("id", "=", vy.id)]), vy)

    def test_groups_changed_by_administrators_regroup_customers(self):
        today = fields.Date.today()
        lan = self._customer("Lan", birthday=today - relativedelta(years=30))
        young = self.env.ref("crm_vn_custom.age_group_25_34")
        young.age_to = 29
        self.assertFalse(lan.age_group, "between groups")
        self.env["crm.vn.age.group"].create({"name": "30–34", "age_from": 30, "age_to": 34})
        self.assertEqual(lan.age_group.name, "30–34")

    def test_overlapping_groups_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["crm.vn.age.group"].create({"name": "20–29", "age_from": 20, "age_to": 29})
        with self.assertRaises(ValidationError):
            self.env["crm.vn.age.group"].create({"name": "Ngược", "age_from": 9, "age_to": 3})
