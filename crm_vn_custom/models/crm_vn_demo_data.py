import logging
import random
from datetime import timedelta

import phonenumbers
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..tools import message_clients, message_standin

_logger = logging.getLogger(__name__)

FAMILY_NAMES = (
    ["Nguyễn"] * 12 + ["Trần"] * 4 + ["Lê"] * 3 + ["Phạm"] * 2
    + ["Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
)
MIDDLE_NAMES = {
    "male": ["Văn", "Minh", "Đức", "Quốc", "Hữu", "Thanh", "Gia", "Công", "Xuân", "Tuấn"],
    "female": ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hoài", "Bảo", "Phương", "Kim"],
}
GIVEN_NAMES = {
    "male": ["Anh", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Minh",
             "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tùng", "Việt", "Vinh", "Hoàng"],
    "female": ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Huyền", "Lan",
               "Linh", "Mai", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Vy", "Yến"],
}
MOBILE_PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "86", "88", "89", "70", "77",
                   "79", "81", "83", "84", "85", "32", "33", "35", "36", "37", "38", "39", "56"]
# (xml id of the province, city shown on the address, weight): most customers of a
# Hanoi/HCMC retailer live in the two cities and the provinces around them.
PROVINCES = [
    ("base.state_vn_VN-HN", "Hà Nội", 30), ("base.state_vn_VN-SG", "TP. Hồ Chí Minh", 30),
    ("base.state_vn_VN-HP", "Hải Phòng", 5), ("base.state_vn_VN-DN", "Đà Nẵng", 5),
    ("base.state_vn_VN-CT", "Cần Thơ", 3), ("base.state_vn_VN-56", "Bắc Ninh", 3),
    ("base.state_vn_VN-57", "Thủ Dầu Một", 4), ("base.state_vn_VN-39", "Biên Hòa", 4),
    ("base.state_vn_VN-13", "Hạ Long", 2), ("base.state_vn_VN-22", "Vinh", 2),
    ("base.state_vn_VN-34", "Nha Trang", 2), ("base.state_vn_VN-26", "Huế", 2),
    ("base.state_vn_VN-35", "Đà Lạt", 1), ("base.state_vn_VN-21", "Thanh Hóa", 2),
    ("base.state_vn_VN-69", "Thái Nguyên", 1), ("base.state_vn_VN-67", "Nam Định", 1),
]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Quang Trung", "Nguyễn Huệ", "Điện Biên Phủ", "Phan Đình Phùng", "Lê Duẩn",
           "Võ Văn Kiệt", "Nguyễn Văn Cừ", "Hoàng Diệu", "Bà Triệu", "Cách Mạng Tháng Tám"]
OCCUPATIONS = ["Giáo viên", "Kỹ sư", "Kế toán", "Bác sĩ", "Nhân viên văn phòng", "Kinh doanh",
               "Nội trợ", "Sinh viên", "Công chức", "Lập trình viên", "Dược sĩ", "Hưu trí"]
BUSINESS_CUSTOMERS = [
    "Công ty TNHH Thương mại Minh Phát", "Công ty CP Đầu tư Hưng Thịnh",
    "Khách sạn Hoa Sen", "Trường Mầm non Ánh Dương", "Nhà hàng Phố Cổ",
    "Công ty TNHH Xây dựng An Khang", "Văn phòng Luật Tín Việt", "Phòng khám Đa khoa Tâm An",
    "Công ty CP Dược phẩm Bảo Long", "Chuỗi cà phê Mộc Lam",
]
LEAD_TOPICS = [
    "Tư vấn máy lọc nước cho gia đình", "Báo giá thiết bị bếp cho nhà hàng",
    "Lắp đặt máy lọc nước văn phòng", "Mua quạt điều hòa số lượng lớn",
    "Đổi máy lọc nước cũ lấy máy mới", "Quà tặng Tết cho nhân viên",
    "Gói bảo dưỡng định kỳ cho khách sạn", "Trang bị đồ gia dụng cho căn hộ mới",
]
# The demo speaks Vietnamese, in Vietnam's day.
DEMO_LANG = "vi_VN"
DEMO_TZ = "Asia/Ho_Chi_Minh"
# The portal customer's purchases: (days ago, [(xml id of the product, quantity)]).
PORTAL_CUSTOMER_ORDERS = [
    (340, [("product_may_loc_nuoc", 1)]),
    (150, [("product_loi_loc", 2), ("product_noi_chien", 1)]),
    (20, [("product_quat_dieu_hoa", 1)]),
]


class CrmVnDemoData(models.AbstractModel):
    """Builds the Vietnamese demo customer base loaded by ``make demo``.

    Generated rather than written out in XML so several hundred realistic customers
    with 18 months of orders stay readable; seeded, so every demo database is the same.
    """

    _name = "crm.vn.demo.data"
    _description = "Vietnamese demo data generator"

    CUSTOMER_REF_PREFIX = "KH"

    @api.model
    def _generate(self, company_xmlid, customer_count=320, lead_count=48, seed=2025):
        company = self.env.ref(company_xmlid)
        Partner = self.env["res.partner"].with_company(company)
        if Partner.search_count([("ref", "=like", self.CUSTOMER_REF_PREFIX + "%"),
                                 ("company_id", "=", company.id)], limit=1):
            return  # demo files are replayed on every upgrade: generate once only
        self = self._in_vietnamese().with_company(company)
        rng = random.Random(seed)
        teams = self.env["crm.team"].search([("company_id", "=", company.id)])
        customers = self._generate_customers(company, customer_count, teams, rng)
        self._generate_duplicate(company, customers[1])
        self._generate_orders(company, customers, rng)
        self._generate_portal_customer(company, customer_count + 1, random.Random(seed + 1))
        self._generate_leads(company, customers, teams, lead_count, rng)
        self._generate_reassignments(customers, teams)
        self._generate_duplicate_across_staff(customers)
        _logger.info("Vietnamese demo data: %s customers generated for %s",
                     len(customers), company.name)

    @api.model
    def _in_vietnamese(self):
        """This generator, writing in Vietnamese: the chatter notes, points history and
        activities it writes are translated when written, in the context's language.

        `make demo` installs with --load-language=vi_VN, which activates Vietnamese and
        loads the terms of the addons installed before this one; this addon's own terms
        (the demo tiers' names, the causes of tier changes) are loaded only after its demo
        data: load them now. Without that option, activate Vietnamese and load its terms
        for every installed addon first."""
        Lang = self.env["res.lang"].with_context(active_test=False)
        Module = self.env["ir.module.module"].sudo()
        modules = Module.search([("name", "=", "crm_vn_custom")])
        if not Lang.search([("code", "=", DEMO_LANG), ("active", "=", True)]):
            Lang._activate_lang(DEMO_LANG)
            modules |= Module.search([("state", "in", ("installed", "to upgrade"))])
        modules._update_translations(DEMO_LANG)
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        return self.with_context(lang=DEMO_LANG)

    def _person(self, rng):
        gender = rng.choice(["male", "female", "female"])
        name = " ".join([rng.choice(FAMILY_NAMES), rng.choice(MIDDLE_NAMES[gender]),
                         rng.choice(GIVEN_NAMES[gender])])
        return gender, name

    def _valid_number(self, rng, draw):
        # Not every number under a prefix is allocated: draw until one is valid.
        while True:
            number = draw()
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number

    def _mobile(self, rng):
        return self._valid_number(rng, lambda: "+84 %s %03d %04d" % (
            rng.choice(MOBILE_PREFIXES), rng.randrange(1000), rng.randrange(10000)))

    def _landline(self, rng):
        # Hà Nội and TP.HCM have 2-digit area codes and 8-digit numbers, Đà Nẵng 3 and 7.
        area, length = rng.choice([("24", 8), ("28", 8), ("236", 7)])
        return self._valid_number(rng, lambda: "+84 %s %s" % (
            area, "".join(str(rng.randrange(10)) for _i in range(length))))

    def _address(self, rng):
        provinces = [(self.env.ref(xmlid), city) for xmlid, city, _weight in PROVINCES]
        state, city = rng.choices(provinces, weights=[p[2] for p in PROVINCES])[0]
        return {
            "street": f"Số {rng.randint(1, 299)} {rng.choice(STREETS)}",
            "city": city,
            "state_id": state.id,
            "country_id": state.country_id.id,
        }

    def _generate_customers(self, company, count, teams, rng):
        salespeople = teams.member_ids
        sources = self.env["utm.source"].browse([
            self.env.ref(xmlid).id for xmlid in (
                "crm_vn_custom.utm_source_referral", "crm_vn_custom.utm_source_zalo",
                "crm_vn_custom.utm_source_website", "crm_vn_custom.utm_source_walk_in",
                "crm_vn_custom.utm_source_event", "utm.utm_source_facebook")])
        today = fields.Date.context_today(self)
        vals_list = []
        for index in range(1, count + 1):
            ref = "%s%05d" % (self.CUSTOMER_REF_PREFIX, index)
            if index % 32 == 0:
                name = BUSINESS_CUSTOMERS[(index // 32 - 1) % len(BUSINESS_CUSTOMERS)]
                vals = {"name": name, "is_company": True, "phone": self._landline(rng)}
            else:
                gender, name = self._person(rng)
                birthday = today - timedelta(days=rng.randint(18 * 365, 70 * 365))
                vals = {"name": name, "gender": gender, "birthday": birthday,
                        "lunar_birthday": rng.random() < 0.15,
                        "function": rng.choice(OCCUPATIONS), "mobile": self._mobile(rng)}
                if rng.random() < 0.4:
                    vals["id_number"] = "0%02d%d%02d%06d" % (
                        rng.randint(1, 96), rng.randint(0, 3), birthday.year % 100,
                        rng.randrange(10**6))
            slug = ref.lower()
            vals.update(self._address(rng), ref=ref, company_id=company.id, lang="vi_VN",
                        email=f"{slug}@khachhang.example.vn", customer_rank=1,
                        source_id=rng.choice(sources).id,
                        user_id=rng.choice(salespeople).id if salespeople else False)
            vals_list.append(vals)
        return self.env["res.partner"].create(vals_list)

    def _generate_duplicate(self, company, customer):
        """The named pain: a second salesperson records a customer the company already
        has, typing the mobile number the national way."""
        national = "0" + customer.mobile.replace("+84", "").replace(" ", "")
        self.env["res.partner"].create({
            "name": customer.name, "mobile": national, "company_id": company.id,
            "city": customer.city, "state_id": customer.state_id.id,
            "country_id": customer.country_id.id, "lang": "vi_VN",
        })

    def _generate_duplicate_across_staff(self, customers):
        """``nhanvien`` (Hà Nội) records a caller who is already a customer of the Hồ Chí
        Minh team: she is told who looks after him, and asks for him."""
        staff = self.env.ref("crm_vn_custom.user_sales_hn", raise_if_not_found=False)
        existing = customers.filtered(
            lambda c: c.mobile and c.user_id and c.user_id.sale_team_id
            and c.user_id.sale_team_id != staff.sale_team_id)[:1] if staff else None
        if not existing:
            return
        partner = self.env["res.partner"].with_user(staff).create({
            "name": "Phạm Thị Trùng Số", "mobile": existing.mobile, "user_id": staff.id,
            "company_id": existing.company_id.id, "country_id": existing.country_id.id,
            "lang": "vi_VN"})
        partner.with_user(staff).action_crm_vn_request_customer()
        self.env["crm.vn.duplicate"].search([("partner_id", "=", partner.id)]).with_user(
            staff)._action_request("Khách gọi hotline Hà Nội đặt hàng và muốn được chăm sóc "
                                   "tại chi nhánh Hà Nội.")

    def _generate_orders(self, company, customers, rng):
        """Orders over the last 18 months: most customers buy, a few buy often."""
        products = self.env["product.product"].search(
            [("company_id", "=", company.id), ("sale_ok", "=", True)])
        pricelist = self.env["product.pricelist"].search(
            [("company_id", "=", company.id), ("currency_id", "=", company.currency_id.id)],
            limit=1)
        if not products or not pricelist:
            return
        now = fields.Datetime.now()
        order_vals, order_dates = [], []
        for customer in customers:
            if rng.random() < 0.2:
                continue  # a prospect who has not bought yet
            for _order in range(min(int(rng.paretovariate(1.4)), 15)):
                order_date = now - timedelta(days=rng.randint(1, 548), hours=rng.randint(0, 9))
                lines = [(0, 0, {"product_id": product.id, "product_uom_qty": rng.randint(1, 3)})
                         for product in rng.sample(list(products), k=rng.randint(1, 3))]
                order_vals.append({
                    "partner_id": customer.id, "company_id": company.id,
                    "user_id": customer.user_id.id, "pricelist_id": pricelist.id,
                    "date_order": order_date, "order_line": lines,
                })
                order_dates.append(order_date)
        orders = self.env["sale.order"].with_company(company).with_context(
            crm_vn_skip_tier_recompute=True).create(order_vals)
        orders.action_confirm()
        # Confirmation stamps today's date: put each order back at the day it was placed,
        # then classify the customers on their real purchase history.
        for order, order_date in zip(orders, order_dates, strict=True):
            order.date_order = order_date
        self.env["crm.vn.tier.engine"]._recompute(customers)
        self.env["crm.vn.tier.engine"]._recompute_rfm(company)
        # A few recent quotations still waiting for the customer.
        recent = orders.filtered(lambda o: o.date_order > now - relativedelta(months=1))[:10]
        recent.copy()

    GROUP_CUSTOMER_REF = "KHG00001"

    @api.model
    def _generate_group_customer(self, company_xmlid, branch_xmlid):
        """A customer imported without a company, hence shared by the group, who bought
        from both companies: Silver at Sao Việt (two appliances), Gold at its southern
        branch (four installation contracts). The branch gets Sao Việt's tiers (copied, as
        an administrator would) and a loyalty programme of its own."""
        company, branch = self.env.ref(company_xmlid), self.env.ref(branch_xmlid)
        Partner = self.env["res.partner"]
        if Partner.search_count([("ref", "=", self.GROUP_CUSTOMER_REF)], limit=1):
            return
        self = self._in_vietnamese()
        if not self.env["crm.vn.tier"].search_count([("company_id", "=", branch.id)]):
            self.env["crm.vn.tier"].search([("company_id", "=", company.id)]).copy(
                {"company_id": branch.id})
        if not branch.crm_vn_loyalty_program_id:
            branch.crm_vn_loyalty_program_id = branch._crm_vn_create_loyalty_program()
        installation = self.env["product.product"].create({
            "name": "Hợp đồng lắp đặt và bảo trì máy lọc nước", "type": "service",
            "list_price": 6_500_000, "company_id": branch.id, "taxes_id": [Command.clear()]})
        customer = Partner.create({
            "name": "Chị Võ Thị Ngọc Hân", "ref": self.GROUP_CUSTOMER_REF, "lang": DEMO_LANG,
            "email": "ngochan.vo@example.vn", "mobile": "+84 909 246 813", "gender": "female",
            "street": "Số 12 Lê Lợi", "city": "Thành phố Hồ Chí Minh",
            "state_id": self.env.ref("base.state_vn_VN-SG").id,
            "country_id": self.env.ref("base.vn").id, "customer_rank": 1})
        purchases = [(company, "crm_vn_custom.pricelist_sao_viet", product, 40 + 90 * index)
                     for index, product in enumerate(
                         [self.env.ref("crm_vn_custom.product_may_loc_nuoc")] * 2)]
        purchases += [(branch, "crm_vn_custom.pricelist_sao_viet_south", installation,
                       20 + 60 * index) for index in range(4)]
        now = fields.Datetime.now()
        for seller, pricelist, product, days_ago in purchases:
            order = self.env["sale.order"].with_company(seller).with_context(
                crm_vn_skip_tier_recompute=True).create({
                    "partner_id": customer.id, "company_id": seller.id,
                    "pricelist_id": self.env.ref(pricelist).id,
                    "order_line": [Command.create({"product_id": product.id})]})
            order.action_confirm()
            order.date_order = now - timedelta(days=days_ago)
        self.env["crm.vn.tier.engine"]._recompute(customer)
        return customer

    @api.model
    def _unlink_group_customers(self):
        """The demo's customer shared by the group (no company), for the uninstall hook
        (its orders went with the demo companies)."""
        self.env["res.partner"].with_context(active_test=False).search(
            [("ref", "=", self.GROUP_CUSTOMER_REF), ("company_id", "=", False)]).unlink()

    def _generate_portal_customer(self, company, number, rng):
        """The demo's portal customer (login ``khachhang``): a Hà Nội customer of
        ``nhanvien`` with three orders over the past eleven months, hence a tier and points,
        the oldest of which expire within the month."""
        hanoi = self.env.ref("base.state_vn_VN-HN")
        user = self.env.ref("crm_vn_custom.user_portal_customer", raise_if_not_found=False)
        staff = self.env.ref("crm_vn_custom.user_sales_hn", raise_if_not_found=False)
        pricelist = self.env["product.pricelist"].search(
            [("company_id", "=", company.id), ("currency_id", "=", company.currency_id.id)],
            limit=1)
        if not (user and staff and pricelist):
            return self.env["res.partner"]
        customer = user.partner_id
        customer.write({
            "street": "Số 18 Trần Hưng Đạo", "city": "Hà Nội", "state_id": hanoi.id,
            "country_id": hanoi.country_id.id,
            "ref": "%s%05d" % (self.CUSTOMER_REF_PREFIX, number),
            "company_id": company.id, "lang": DEMO_LANG, "gender": "female",
            "birthday": fields.Date.context_today(self) - relativedelta(years=34, days=41),
            "function": "Nhân viên văn phòng", "mobile": self._mobile(rng), "customer_rank": 1,
            "source_id": self.env.ref("crm_vn_custom.utm_source_website").id,
            "user_id": staff.id,
        })
        now = fields.Datetime.now()
        orders = self.env["sale.order"]
        dates = []
        for days_ago, lines in PORTAL_CUSTOMER_ORDERS:
            orders |= self.env["sale.order"].with_company(company).with_context(
                crm_vn_skip_tier_recompute=True).create({
                    "partner_id": customer.id, "company_id": company.id, "user_id": staff.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [Command.create({
                        "product_id": self.env.ref(f"crm_vn_custom.{xmlid}").id,
                        "product_uom_qty": quantity}) for xmlid, quantity in lines],
                })
            dates.append(now - timedelta(days=days_ago, hours=3))
        orders.with_context(crm_vn_skip_tier_recompute=True).action_confirm()
        History = self.env["loyalty.history"]
        months = company.crm_vn_points_validity_months
        for order, order_date in zip(orders, dates, strict=True):
            order.date_order = order_date
            # The points were written today: date them at their order, so that the
            # oldest expire soon, as they would have (create_date is not writable).
            earned = History.search([("order_model", "=", "sale.order"),
                                     ("order_id", "=", order.id)])
            History.flush_model()
            self.env.cr.execute("UPDATE loyalty_history SET create_date = %s WHERE id = ANY(%s)",
                                [order_date, earned.ids])
            if months:
                earned.crm_vn_expiry_date = order_date.date() + relativedelta(months=months)
        History.invalidate_model(["create_date"])
        self.env["crm.vn.tier.engine"]._recompute(customer)
        return customer

    @api.model
    def _generate_care(self, company_xmlid, seed=2026):
        """Care history for the demo: logged calls with satisfaction and NPS over the past
        months, and complaints (one resolved in time, one late and escalated)."""
        company = self.env.ref(company_xmlid)
        if self.env["crm.vn.care.log"].search_count([("company_id", "=", company.id)], limit=1):
            return
        # Its customers' tiers are Sao Việt's (company-dependent).
        self = self._in_vietnamese().with_company(company)
        rng = random.Random(seed)
        customers = self.env["res.partner"].search(
            [("company_id", "=", company.id), ("ref", "=like", self.CUSTOMER_REF_PREFIX + "%"),
             ("user_id", "!=", False)], order="ref")
        channels = self.env["crm.vn.care.channel"].search([])
        today = fields.Date.context_today(self)
        self.env["crm.vn.care.log"].create([{
            "partner_id": customer.id, "user_id": customer.user_id.id,
            "company_id": company.id, "channel_id": rng.choice(channels).id,
            "date": today - timedelta(days=rng.randint(1, 180)),
            "outcome": rng.choice(["reached"] * 4 + ["no_answer", "call_back"]),
            "satisfaction": rng.choice("2344455"), "nps": str(rng.choice([6, 7, 8, 9, 9, 10, 10])),
            "note": "<p>Hỏi thăm sau mua hàng</p>",
        } for customer in customers[:: 4]])
        Complaint = self.env["crm.vn.complaint"]
        resolved = Complaint.create({
            "name": "Sản phẩm bị trầy xước khi giao", "partner_id": customers[3].id,
            "company_id": company.id, "description": "<p>Khách đề nghị đổi sản phẩm.</p>"})
        resolved.action_start()
        resolved.action_resolve()
        Complaint.create({
            "name": "Giao hàng trễ 3 ngày", "partner_id": customers[7].id,
            "company_id": company.id, "date_open": fields.Datetime.now() - timedelta(days=5),
            "description": "<p>Khách chưa nhận được hàng, gọi tổng đài nhiều lần.</p>",
        })._check_deadlines()
        self._generate_care_history(company, rng, today)
        self._generate_first_morning(company)

    def _generate_care_history(self, company, rng, today):
        """Care planned over the past two months, mostly done on time, some late, some
        still overdue: what the care compliance report has to show."""
        occurrences = self.env["crm.vn.care.occurrence"].search(
            [("activity_id", "!=", False), ("partner_id.company_id", "=", company.id)],
            order="id")
        for index, occurrence in enumerate(occurrences):
            deadline = occurrence.date_deadline
            if index % 3 == 0:  # a third planned earlier in the past two months
                deadline = today - timedelta(days=rng.randint(3, 60))
                occurrence.activity_id.date_deadline = deadline
                occurrence.date_deadline = deadline
            if deadline >= today or index % 6 == 5:
                continue  # still planned, or overdue
            occurrence.activity_id.action_feedback(feedback="Đã liên hệ khách hàng")
            occurrence.date_done = min(
                today, deadline + timedelta(days=rng.choice([-2, -1, 0, 0, 0, 3])))

    def _generate_first_morning(self, company):
        """The day the demo opens: every position has care due today and overdue, and a
        complaint close to its deadline; the portal customer has just filed one."""
        today = fields.Date.context_today(self.with_context(tz=DEMO_TZ))
        staff = self.env.ref("crm_vn_custom.user_sales_hn", raise_if_not_found=False)
        leader = self.env.ref("crm_vn_custom.user_leader_hn", raise_if_not_found=False)
        manager = self.env.ref("crm_vn_custom.user_care_manager", raise_if_not_found=False)
        if not (staff and leader and manager):
            return
        Partner = self.env["res.partner"]
        customers = Partner.search([
            ("company_id", "=", company.id), ("parent_id", "=", False),
            ("ref", "=like", self.CUSTOMER_REF_PREFIX + "%"), ("tier_id", "!=", False)],
            order="ref")
        # The care manager looks after two business customers herself.
        overdue = customers.filtered(lambda c: c.next_care_date and c.next_care_date < today)
        key_accounts = (overdue.filtered("is_company") or overdue).sorted(
            lambda c: (-c.tier_id.rank, c.ref))[:2]
        key_accounts.with_context(
            crm_vn_audit_reason="Khách hàng doanh nghiệp trọng điểm: quản lý CSKH trực tiếp "
                                "chăm sóc").write({"user_id": manager.id})
        portal_customer = (self.env.ref("crm_vn_custom.user_portal_customer",
                                        raise_if_not_found=False)
                           or self.env["res.users"]).partner_id
        for user in (staff, leader, manager):
            mine = customers.filtered(lambda c, u=user: c.user_id == u) - portal_customer
            self._generate_overdue_care(mine, today)
            self._generate_call_back(company, mine, user, today)
        self._generate_portal_complaint(portal_customer)
        leader_customer = customers.filtered(
            lambda c: c.user_id == leader and c.tier_id.complaint_response_hours > 2)[-1:]
        self._generate_complaint_near_deadline(
            leader_customer, "Máy lọc nước báo lỗi sau hai tuần sử dụng",
            "<p>Khách gọi tổng đài: máy báo lỗi E1, nước ra rất chậm.</p>")
        self._generate_complaint_near_deadline(
            key_accounts[:1], "Giao thiếu hàng trong đơn đặt cho văn phòng",
            "<p>Khách nhận thiếu 2 bộ lõi lọc, cần giao bù trước cuối tuần.</p>",
            in_progress=True)

    def _generate_overdue_care(self, customers, today):
        """Periodic care the daily cron would have planned on each overdue customer's care
        date, had the demo been running then: overdue activities, the latest three."""
        step = self.env.ref("crm_vn_custom.care_step_periodic_call", raise_if_not_found=False)
        overdue = customers.filtered(
            lambda c: c.next_care_date and c.next_care_date < today).sorted(
            "next_care_date", reverse=True)
        planned = self.env["mail.activity"]
        for customer in overdue if step else ():
            if len(planned) >= 3:
                break
            # Care dates of the last week were planned (and mostly done) by the cron.
            planned |= self.env["crm.vn.care.engine"]._schedule(step, [
                (customer, customer, f"contact:{customer.next_care_date}",
                 customer.next_care_date)])

    def _generate_call_back(self, company, customers, user, today):
        """Yesterday's call: the customer asked to be called back today."""
        customer = customers.filtered(lambda c: not c.care_overdue)[:1] or customers[:1]
        if not customer:
            return
        self.env["crm.vn.care.log"].create({
            "partner_id": customer.id, "user_id": user.id, "company_id": company.id,
            "channel_id": self.env.ref("crm_vn_custom.care_channel_call").id,
            "date": today - timedelta(days=1), "outcome": "call_back",
            "note": "<p>Khách đang bận họp, hẹn gọi lại vào hôm nay.</p>"})
        customer.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=today, user_id=user.id,
            summary="Gọi lại cho khách theo lịch hẹn")

    def _generate_portal_complaint(self, customer):
        """The portal customer filed a complaint about her last order this morning; its
        first answer is due in three hours."""
        user = customer.user_ids[:1]
        order = self.env["sale.order"].search(
            [("partner_id", "=", customer.id), ("state", "=", "sale")],
            order="date_order desc", limit=1)
        if not (user and order):
            return
        complaint = self.env["crm.vn.complaint"].with_user(user)._crm_vn_portal_file(
            "Quạt điều hòa giao đến bị nứt mặt trước",
            "Tôi nhận quạt hôm qua, mặt nhựa phía trước bị nứt một đường dài. "
            "Mong cửa hàng đổi quạt mới giúp tôi.", order).sudo()
        self._move_to_deadline(complaint, hours_left=3)

    def _generate_complaint_near_deadline(self, customer, name, description,
                                          in_progress=False):
        """A complaint received by phone, whose first answer (or, being handled already,
        whose resolution) is due within a few hours."""
        if not customer:
            return
        complaint = self.env["crm.vn.complaint"].create({
            "name": name, "partner_id": customer.id, "company_id": customer.company_id.id,
            "channel_id": self.env.ref("crm_vn_custom.care_channel_call").id,
            "description": description})
        self._move_to_deadline(complaint, hours_left=2 if not in_progress else 4,
                               in_progress=in_progress)

    def _move_to_deadline(self, complaint, hours_left, in_progress=False):
        """Received long enough ago that the deadline that matters next is ``hours_left``
        hours away; the responsible's to-do is due that day."""
        tier = complaint.tier_id
        hours = tier.complaint_resolution_hours if in_progress else tier.complaint_response_hours
        received = fields.Datetime.now() - timedelta(hours=max(hours - hours_left, 0))
        values = {"date_open": received}
        if in_progress:
            values.update(state="in_progress", date_first_response=received + timedelta(hours=1))
        complaint.sudo().write(values)
        # What the customer wrote when filing it is dated then, too.
        complaint.message_ids.filtered(lambda m: m.message_type == "comment").date = received
        complaint.activity_ids.unlink()
        complaint._crm_vn_schedule_answer()

    def _generate_reassignments(self, customers, teams):
        """A team leader rebalances the workload: the audit log shows who moved which
        customers, from whom to whom, and why."""
        for team in teams.filtered("user_id"):
            members = team.member_ids - team.user_id
            if len(members) < 2:
                continue
            moved = customers.filtered(lambda c, giver=members[0]: c.user_id == giver)[:4]
            moved.with_user(team.user_id).with_context(
                crm_vn_audit_reason="Cân đối số khách hàng giữa các nhân viên trong nhóm").write(
                {"user_id": members[1].id})

    def _generate_leads(self, company, customers, teams, count, rng):
        stages = self.env["crm.stage"].search([("team_id", "in", [False, *teams.ids])])
        open_stages = stages.filtered(lambda s: not s.is_won)
        won_stage = stages.filtered("is_won")[:1]
        today = fields.Date.context_today(self)
        vals_list = []
        for index in range(count):
            team = teams[index % len(teams)] if teams else self.env["crm.team"]
            partner = rng.choice(customers) if rng.random() < 0.5 else self.env["res.partner"]
            contact = self._person(rng)[1]
            deadline = today + timedelta(days=rng.randint(3, 60))
            vals = {
                "name": rng.choice(LEAD_TOPICS),
                "type": "opportunity" if index % 4 else "lead",
                "team_id": team.id,
                "user_id": rng.choice(team.member_ids).id if team.member_ids else False,
                "company_id": company.id,
                "partner_id": partner.id,
                "contact_name": False if partner else contact,
                "mobile": False if partner else self._mobile(rng),
                "expected_revenue": rng.choice([2, 5, 8, 15, 40, 120]) * 1_000_000,
                "date_deadline": deadline,
                "stage_id": rng.choice(open_stages).id if open_stages else False,
            }
            if not partner:
                vals.update(self._address(rng))
            vals_list.append(vals)
        leads = self.env["crm.lead"].create(vals_list)
        if won_stage:
            leads.filtered(lambda lead: lead.type == "opportunity")[:6].write(
                {"stage_id": won_stage.id})
        leads.filtered(lambda lead: lead.type == "opportunity")[-4:].action_set_lost()

    # What the demo company holds, in an order where each model is only referred to by
    # those before it: the documents the generator created, then the configuration the
    # demo files and Odoo (on creating the company: warehouse, routes, operation types)
    # gave it. The company refers to its locations and calendars: they go after it.
    @api.model
    def _generate_messages(self, company_xmlid):
        """Care messages of the latest orders, really sent by the addon's clients to a
        stand-in played in this process: thanks by Zalo, by SMS for a customer not on
        Zalo, one waiting to be retried after the gateway failed, one that failed for
        good, one not sent because the customer refused messages; consents given and one
        withdrawn."""
        company = self.env.ref(company_xmlid)
        Log = self.env["crm.vn.care.log"]
        if Log.search_count([("company_id", "=", company.id), ("message_state", "!=", False)],
                            limit=1):
            return
        self = self._in_vietnamese()
        step = self.env.ref("crm_vn_custom.demo_step_order_thanks")
        orders = self.env["sale.order"].search(
            [("company_id", "=", company.id), ("state", "=", "sale"),
             ("partner_id.mobile", "!=", False)], order="date_order desc", limit=10)
        customers = orders.partner_id.commercial_partner_id
        self.env["crm.vn.consent"].create([{
            "partner_id": customer.id, "company_id": company.id, "purpose": "marketing",
            "channel": "all", "source": "form", "granted": index != 2,
            "evidence": f"Phiếu đăng ký thành viên số {1000 + index}"}
            for index, customer in enumerate(customers)])
        standin = message_standin.StandIn().start()
        standin.lenient = True
        providers = self.env.ref("crm_vn_custom.demo_provider_zalo") | self.env.ref(
            "crm_vn_custom.demo_provider_sms")
        urls = {provider: provider.api_url for provider in providers}
        try:
            for provider in providers:
                provider.api_url = provider.api_url.replace("http://127.0.0.1:8070",
                                                            standin.url)
                provider.oauth_url = standin.url + "/v4/oa/access_token"
            phone = {order: message_clients.zns_phone(order.partner_id.mobile)
                     for order in orders}
            standin.forced.update({phone[orders[1]]: message_standin.NOT_ON_ZALO,
                                   phone[orders[3]]: message_standin.DOWN,
                                   phone[orders[4]]: message_standin.DOWN})
            self.env["crm.vn.consent"].create({
                "partner_id": orders[5].partner_id.commercial_partner_id.id, "channel": "all",
                "company_id": company.id, "purpose": "service", "granted": False,
                "source": "call", "evidence": "Khách gọi tổng đài: không muốn nhận tin nhắn"})
            today = fields.Date.context_today(self)
            logs = self.env["crm.vn.messenger"]._queue(
                step, [(order, order.partner_id, f"sale.order:{order.id}", today)
                       for order in orders])
            logs.filtered(lambda log: log.res_id == orders[4].id).message_attempts = 4
            for log in logs:
                self.env["crm.vn.messenger"]._send_one(log)
            self.env["sms.sms"].search([("crm_vn_care_log_id", "in", logs.ids),
                                        ("state", "=", "outgoing")]).send()
            for log in logs.filtered(lambda log: log.message_state == "sent")[:4]:
                log._crm_vn_apply_delivery_event(log.message_provider_id, {
                    "event_name": "user_received_message",
                    "message": {"msg_id": log.message_external_id}})
        finally:
            standin.stop()
            for provider, url in urls.items():
                provider.write({"api_url": url,
                                "oauth_url": "http://127.0.0.1:8070/v4/oa/access_token"})

    DEMO_DOCUMENT_MODELS = (
        "crm.vn.care.log", "crm.vn.complaint", "crm.vn.tier.history", "crm.vn.audit.log",
        "crm.vn.consent",
        "stock.picking", "stock.move", "sale.order", "loyalty.card", "crm.lead",
    )
    DEMO_CONFIGURATION_MODELS = (
        "crm.vn.segment", "crm.vn.tier", "crm.team", "crm.vn.zns.template",
        "crm.vn.message.provider", "loyalty.program", "product.pricelist",
        "product.template", "stock.rule", "stock.warehouse", "stock.route",
        "stock.picking.type",
    )
    DEMO_AFTER_COMPANY_MODELS = ("stock.location", "ir.sequence", "resource.calendar")

    @api.model
    def _unlink_demo_company(self, company):
        """Delete the demo ``company`` and everything in it, for the uninstall hook.

        Odoo's uninstall deletes the records of the demo files, but not what the
        generator created in Python (orders, deliveries, loyalty cards, leads, customers,
        care history) nor what Odoo created with the company (warehouse, locations,
        sequences): those would keep the company, its staff, products and loyalty
        programme alive. Only records of ``company`` are deleted, and of users only the
        demo staff; anybody else who was given access to the company (the demo's
        administrator) keeps their account, in their other companies."""
        env = self.env(su=True, context={
            MODULE_UNINSTALL_FLAG: True, "active_test": False, "tracking_disable": True})
        company = company.with_env(env)
        demo_users = env["res.users"].browse(env["ir.model.data"].search(
            [("module", "=", "crm_vn_custom"), ("model", "=", "res.users")]).mapped("res_id"))
        others = env["res.users"].search(
            [("company_ids", "in", company.ids), ("id", "not in", demo_users.ids)])
        for user in others:
            remaining = user.company_ids - company or env.ref("base.main_company")
            user.write({"company_ids": [Command.set(remaining.ids)],
                        "company_id": remaining[:1].id})
        domain = [("company_id", "=", company.id)]
        for model in self.DEMO_DOCUMENT_MODELS:
            env[model].search(domain).unlink()
        env["res.partner"].search(
            [*domain, ("user_ids", "=", False), ("id", "!=", company.partner_id.id)]).unlink()
        staff = demo_users.exists()
        staff_partners = staff.partner_id
        staff.unlink()
        staff_partners.unlink()
        # Odoo gives each loyalty reward a discount product of no company: it would stay.
        reward_products = env["loyalty.program"].search(domain).reward_ids.discount_line_product_id
        for model in self.DEMO_CONFIGURATION_MODELS:
            env[model].search(domain).unlink()
        reward_products.unlink()
        after = [env[model].search(domain) for model in self.DEMO_AFTER_COMPANY_MODELS]
        partner = company.partner_id
        company.unlink()
        for records in after:
            records.unlink()
        partner.unlink()
