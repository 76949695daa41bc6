from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .test_tiers import MILLION, TierCommon


@tagged("post_install", "-at_install")
class TestConcepts(TierCommon):
    """Each business concept has one SQL fragment and, where Python needs it, one ORM
    domain (crm.vn.concepts): on a base mixing the awkward cases, both select exactly the
    same records, and the engine, the care cron and the reports count them alike.

    The lowest tier needs two orders, so that a single purchase gives no tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member.min_order_count = 2
        cls.concepts = cls.env["crm.vn.concepts"]
        cls.other = cls.env["res.company"].create({
            "name": "Công ty Khác", "currency_id": cls.company.currency_id.id})
        cls.env.user.company_ids |= cls.other
        cls.other_pricelist = cls.env["product.pricelist"].create({
            "name": "Khác", "currency_id": cls.other.currency_id.id,
            "company_id": cls.other.id})
        Partner = cls.env["res.partner"]
        customer = cls._customer
        cls.uninvoiced = customer("Chị Uyên (chưa xuất hoá đơn)")
        cls.firm = customer("Công ty Phú Gia", is_company=True)
        cls.firm_contact = customer("Anh Gia (nhân viên mua hàng)", parent_id=cls.firm.id)
        cls.branch = customer("Chi nhánh Phú Gia Đà Nẵng", is_company=True,
                              parent_id=cls.firm.id)
        cls.quiet_firm = customer("Công ty Im Lặng", is_company=True)
        cls.archived_contact = customer("Chị Lặng (đã nghỉ)", parent_id=cls.quiet_firm.id)
        cls.archived = customer("Khách đã lưu trữ")
        cls.colleague = new_test_user(
            cls.env, login="crmvn_concepts_staff", name="Nhân viên Mua Hàng",
            groups="base.group_user", company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)])
        cls.colleague.partner_id.company_id = cls.company
        cls.portal = new_test_user(
            cls.env, login="crmvn_concepts_portal", name="Khách Cổng Thông Tin",
            groups="base.group_portal", company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)])
        cls.portal.partner_id.company_id = cls.company
        cls.shared_elsewhere = Partner.create({"name": "Khách chung (mua ở công ty khác)"})
        cls.shared_here = Partner.create({"name": "Khách chung (mua ở đây)"})
        cls.theirs = Partner.create({"name": "Khách của công ty khác",
                                     "company_id": cls.other.id})
        cls.no_rate = customer("Khách đơn không tỷ giá")
        cls.invoiced = customer("Khách đã xuất hoá đơn", customer_rank=1)
        cls.tiered = customer("Khách hạng thủ công")
        cls.cancelled = customer("Khách huỷ đơn")
        cls.quoted = customer("Khách mới báo giá")
        cls.prospect = customer("Khách tiềm năng")

        cls.first_day = fields.Datetime.now() - timedelta(days=100)
        for partner, millions, days_ago, company in [
                (cls.uninvoiced, 3, 0, None), (cls.firm_contact, 4, 100, None),
                (cls.firm, 6, 10, None), (cls.branch, 2, 0, None),
                (cls.archived_contact, 1, 5, None), (cls.archived, 1, 0, None),
                (cls.colleague.partner_id, 1, 0, None), (cls.portal.partner_id, 1, 0, None),
                (cls.shared_elsewhere, 1, 0, cls.other), (cls.shared_here, 1, 0, None),
                (cls.theirs, 1, 0, cls.other), (cls.no_rate, 7, 0, None),
                (cls.cancelled, 1, 0, None)]:
            cls._confirmed(partner, millions, days_ago, company)
        cls.cancelled.sale_order_ids._action_cancel()
        cls._confirmed(cls.quoted, 1, confirm=False)
        cls.archived.active = False
        cls.archived_contact.active = False
        # An order saved without a currency rate (imported, or from before the rate).
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE sale_order SET currency_rate = NULL WHERE partner_id = %s",
                           [cls.no_rate.id])
        cls.env.invalidate_all()
        cls.tiered._crm_vn_set_tier_override(cls.gold, "Đối tác chiến lược")
        cls.partners = (
            cls.uninvoiced | cls.firm | cls.firm_contact | cls.branch | cls.quiet_firm
            | cls.archived_contact | cls.archived | cls.colleague.partner_id
            | cls.portal.partner_id | cls.shared_elsewhere | cls.shared_here | cls.theirs
            | cls.no_rate | cls.invoiced | cls.tiered | cls.cancelled | cls.quoted
            | cls.prospect).with_context(active_test=False)
        cls.engine._recompute(cls.partners)

    @classmethod
    def _confirmed(cls, partner, millions, days_ago=0, company=None, confirm=True):
        company = company or cls.company
        pricelist = cls.pricelist if company == cls.company else cls.other_pricelist
        order = cls.env["sale.order"].with_company(company).create({
            "partner_id": partner.id, "company_id": company.id, "pricelist_id": pricelist.id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1,
                                   "price_unit": millions * MILLION})],
        })
        if confirm:
            order.with_context(crm_vn_skip_tier_recompute=True).action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    def _sql_ids(self, table, ids, condition):
        """Ids among ``ids`` of ``table`` (aliased ``r``) that satisfy ``condition``."""
        return {id_ for id_, in self.env.execute_query(SQL(
            "SELECT r.id FROM %s r WHERE r.id = ANY(%s) AND %s",
            SQL.identifier(table), list(ids), condition))}

    # ------------------------------------------------------------------ customer
    def test_customer_sql_and_domain_select_the_same_partners(self):
        here = (self.uninvoiced | self.firm | self.branch | self.quiet_firm
                | self.portal.partner_id | self.shared_here | self.no_rate | self.invoiced
                | self.tiered)
        expected = {
            self.company: here,
            self.other: self.shared_elsewhere | self.theirs,
            None: here | self.shared_elsewhere | self.theirs,
        }
        Partner = self.env["res.partner"].with_context(active_test=False)
        for company, customers in expected.items():
            sql = self._sql_ids("res_partner", self.partners.ids,
                                self.concepts._customer_sql("r", company))
            domain = self.concepts._customer_domain(company)
            searched = Partner.search([("id", "in", self.partners.ids), *domain])
            self.assertEqual(sql, set(customers.ids), company)
            self.assertEqual(searched, customers, company)
            self.assertEqual(self.partners.filtered_domain(domain), customers, company)
        # The same customers as a filter of the customer list, in the company one works in.
        listed = Partner.search([("id", "in", self.partners.ids),
                                 ("crm_vn_is_customer", "=", True)])
        self.assertEqual(listed, here)
        self.assertEqual(self.partners.filtered("crm_vn_is_customer"), here)

    def test_the_engine_and_the_reports_count_the_same_customers(self):
        tiered_by_us = set(self.engine._customers_of(self.company))
        # Customers shared by the group are tiered by each company they bought from.
        self.assertEqual(tiered_by_us & set(self.partners.ids),
                         set((self.uninvoiced | self.firm | self.branch | self.quiet_firm
                              | self.portal.partner_id | self.no_rate | self.invoiced
                              | self.tiered | self.shared_here).ids))
        self.env.flush_all()
        rows = self.env["crm.vn.customer.report"].search([
            ("partner_id", "in", self.partners.ids), ("company_id", "=", self.company.id)])
        self.assertEqual(rows.partner_id, self.env["res.partner"].browse(tiered_by_us)
                         & self.partners | self.shared_here)
        cohorts = self.env["crm.vn.cohort.report"].search([
            ("partner_id", "in", self.partners.ids), ("months_since_first", "=", 0)])
        self.assertEqual(cohorts.partner_id, rows.filtered("order_count").partner_id
                         | self.shared_elsewhere | self.theirs)

    def test_confirmed_orders_sql_and_domain_select_the_same_orders(self):
        orders = self.env["sale.order"].search([("partner_id", "in", self.partners.ids)])
        confirmed = {}
        for company in (None, self.company, self.other):
            in_company = SQL("c.company_id = %s", company.id) if company else SQL("TRUE")
            sql = self._sql_ids("sale_order", orders.ids, SQL(
                "r.id IN (SELECT c.id FROM (%s) c WHERE %s)",
                self.concepts._confirmed_orders_sql(), in_company))
            confirmed[company] = orders.search(
                [("id", "in", orders.ids), *self.concepts._confirmed_order_domain(company)])
            self.assertEqual(sql, set(confirmed[company].ids), company)
        self.assertEqual(len(confirmed[self.company]), 10)
        self.assertEqual(confirmed[self.other].partner_id, self.shared_elsewhere | self.theirs)
        self.assertFalse((self.cancelled | self.quoted) & confirmed[None].partner_id)

    # ------------------------------------------------------------------ revenue
    def test_an_order_without_rate_counts_the_same_in_the_engine_and_the_reports(self):
        order = self.no_rate.sale_order_ids
        self.assertFalse(order.currency_rate)
        self.assertEqual(self.no_rate.tier_revenue, 7 * MILLION)
        self.env.flush_all()
        [(value,)] = self.env["crm.vn.customer.report"]._read_group(
            [("partner_id", "=", self.no_rate.id)], [], ["lifetime_value:sum"])
        self.assertEqual(value, 7 * MILLION)
        [(sold,)] = self.env["sale.report"]._read_group(
            [("commercial_partner_id", "=", self.no_rate.id)], [], ["price_subtotal:sum"])
        self.assertEqual(sold, 7 * MILLION)

    # ------------------------------------------------------------------ first purchase
    def test_first_purchase_is_the_same_for_the_engine_and_the_reports(self):
        first = {(partner, company): day for partner, company, day in self.env.execute_query(
            SQL("SELECT * FROM (%s) f WHERE f.partner_id = ANY(%s)",
                self.concepts._first_purchases_sql(), self.partners.ids))}
        # The contact's order, 100 days ago, is the company's first purchase.
        firm_first = first[(self.firm.id, self.company.id)]
        self.assertEqual(firm_first.date(), self.firm.first_order_date)
        self.assertEqual(firm_first.date(), self.first_day.date())
        for partner in self.uninvoiced | self.no_rate | self.branch:
            self.assertEqual(first[(partner.id, self.company.id)].date(),
                             partner.first_order_date)
        self.env.flush_all()
        month = firm_first.date().replace(day=1)
        row = self.env["crm.vn.customer.report"].search([("partner_id", "=", self.firm.id)])
        self.assertEqual(row.cohort_month, month)
        cohort = self.env["crm.vn.cohort.report"].search(
            [("partner_id", "=", self.firm.id), ("months_since_first", "=", 0)])
        self.assertEqual(cohort.cohort_month, month)
        # The contact's order opened the account; the company's own came months later.
        kinds = self.env["sale.report"]._read_group(
            [("commercial_partner_id", "=", self.firm.id)], ["crm_vn_customer_kind"],
            ["__count"])
        self.assertEqual(dict(kinds), {"new": 1, "returning": 1})

    # ------------------------------------------------------------------ sales team
    def test_a_salespersons_team_is_odoos_sale_team(self):
        self.env["ir.config_parameter"].set_param("sales_team.membership_multi", True)
        first = self.env["crm.team"].create({"name": "Nhóm Một", "company_id": self.company.id,
                                             "member_ids": [(6, 0, self.salesperson.ids)]})
        self.env["crm.team"].create({"name": "Nhóm Hai", "company_id": self.company.id,
                                     "member_ids": [(6, 0, self.salesperson.ids)]})
        self.assertEqual(self.salesperson.sale_team_id, first)
        users = self.salesperson | self.sales_manager
        teams = dict(self.env.execute_query(SQL(
            "SELECT u.id, %s FROM res_users u WHERE u.id = ANY(%s)",
            self.concepts._salesperson_team_sql(SQL("u.id")), users.ids)))
        self.assertEqual(teams, {user.id: user.sale_team_id.id or None for user in users})
        self.uninvoiced.user_id = self.salesperson
        self.env.flush_all()
        row = self.env["crm.vn.customer.report"].search([("partner_id", "=", self.uninvoiced.id)])
        self.assertEqual(row.team_id, first)

    # ------------------------------------------------------------------ points
    def test_points_kinds_sql_and_domain_select_the_same_lines(self):
        program = self.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "company_id": self.company.id})
        card = self.env["loyalty.card"].create({"program_id": program.id,
                                                "partner_id": self.uninvoiced.id})
        History = self.env["loyalty.history"]
        kinds = [False] + [kind for kind, _label in History._fields["crm_vn_kind"].selection]
        lines = History.create([{"card_id": card.id, "crm_vn_kind": kind, "issued": 10,
                                 "used": 3, "crm_vn_base_points": 5, "description": "Thử"}
                                for kind in kinds])
        for figure in ("qualifying", "issued", "redeemed", "expired", "taken_back"):
            sql = self._sql_ids("loyalty_history", lines.ids,
                                self.concepts._points_line_sql("r", figure))
            domain = self.concepts._points_line_domain(figure)
            counted = lines.filtered_domain(domain)
            self.assertEqual(sql, set(lines.search([("id", "in", lines.ids), *domain]).ids))
            self.assertEqual(sql, set(counted.ids), figure)
            [(points,)] = self.env.execute_query(SQL(
                "SELECT SUM(%s) FROM loyalty_history r WHERE r.id = ANY(%s)",
                self.concepts._points_sql("r", figure), lines.ids))
            column = {"qualifying": "crm_vn_base_points", "issued": "issued"}.get(figure, "used")
            expected = sum(line.issued if column == "crm_vn_base_points" and not line.crm_vn_kind
                           else line[column] for line in counted)
            self.assertEqual(points, expected, figure)
        # What expires is what was issued.
        self.assertEqual(lines.filtered("crm_vn_expiry_date"),
                         lines.filtered_domain(self.concepts._points_line_domain("issued")))

    # ------------------------------------------------------------------ next care date
    def test_next_care_date_sql_follows_the_orm_rule(self):
        today = fields.Date.today()
        self.invoiced.last_interaction_date = today - timedelta(days=3)
        partners = self.partners.filtered(lambda p: p.active)
        self.assertTrue(partners.filtered("tier_id") and partners.filtered(
            lambda p: not p.tier_id and p.last_interaction_date))
        self.env.flush_all()
        # A customer's tiers in every company (the column holds one per company).
        dates = dict(self.env.execute_query(SQL(
            """SELECT p.id, %s FROM res_partner p LEFT JOIN crm_vn_tier t ON t.id IN (%s)
                WHERE p.id = ANY(%s) GROUP BY p.id""",
            self.concepts._next_care_date_sql(SQL("p.last_interaction_date"), "t"),
            self.env["res.partner"]._crm_vn_held_tiers_sql("p"), partners.ids)))
        for partner in partners:
            rule = self.concepts._next_care_date(partner.last_interaction_date, partner.tier_id)
            self.assertEqual(dates[partner.id] or False, rule, partner.name)
            self.assertEqual(partner.next_care_date, rule, partner.name)
        self.assertEqual(self.tiered.next_care_date, False, "a tier, but no interaction yet")
        self.tiered.last_interaction_date = today
        self.assertEqual(self.tiered.next_care_date,
                         today + timedelta(days=self.gold.contact_interval_days))

    # ------------------------------------------------------------------ care
    def test_the_care_cron_looks_at_exactly_the_customers(self):
        self.assertFalse(self.uninvoiced.tier_id or self.uninvoiced.customer_rank,
                         "bought, but neither invoiced nor tiered")
        Partner = self.env["res.partner"].with_context(active_test=False)
        for company in (self.company, self.other, self.env["res.company"]):
            cron = self.env["crm.vn.care.engine"]._customers_domain(company)
            self.assertEqual(
                Partner.search([("id", "in", self.partners.ids), *cron]),
                self.partners.filtered_domain(self.concepts._customer_domain(company)))

