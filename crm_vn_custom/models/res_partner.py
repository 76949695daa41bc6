import re

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, format_amount
from odoo.tools.sql import column_exists, create_column

from .crm_vn_trusted_flow import check_protected_change, trusted

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "New"),
    ("at_risk", "At Risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]
# The seven kinds of customer relationship Vietnamese CRM practice names.
RELATIONSHIP_KINDS = [
    ("new", "New (exploring)"),
    ("current", "Current"),
    ("loyal", "Loyal"),
    ("prospective", "Prospective (may return)"),
    ("strategic", "Strategic"),
    ("exchange", "Exchange"),
    ("project", "Project-based"),
]


# Written by the tier engine, the manual tier and Odoo's copy of a company's fields to its
# contacts; refused from anywhere else (see crm_vn_trusted_flow).
TIER_FIELDS = frozenset({
    "tier_id", "tier_since", "tier_grace_until", "tier_override_id", "tier_override_reason",
    "tier_override_until", "tier_currency_id", "tier_revenue", "tier_order_count",
    "tier_points", "first_order_date", "last_order_date", "rfm_recency", "rfm_frequency",
    "rfm_monetary", "rfm_segment", "tier_next_id", "tier_next_missing_revenue",
    "tier_next_missing_orders", "tier_next_missing_points", "tier_next_progress"})
# Held per company (company_dependent): the tier, its figures and the RFM scores.
CRM_VN_COMPANY_FIELDS = frozenset({
    "tier_id", "tier_since", "tier_grace_until", "tier_override_id", "tier_override_reason",
    "tier_override_until", "tier_currency_id", "tier_revenue", "tier_order_count",
    "tier_points", "tier_next_id", "tier_next_missing_revenue", "tier_next_missing_orders",
    "tier_next_missing_points", "tier_next_progress", "first_order_date", "last_order_date",
    "rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "relationship_kind",
    "relationship_kind_manual"})
# What an administrator may write over the API: it becomes an audited manual tier.
MANUAL_TIER_FIELDS = frozenset({
    "tier_id", "tier_override_id", "tier_override_reason", "tier_override_until"})
TIER_ADMIN_GROUP = "crm_vn_custom.group_crm_vn_admin"
# Changes that can make a customer a duplicate of another salesperson's, or stop it.
DUPLICATE_FIELDS = frozenset({
    "phone", "mobile", "email", "vat", "user_id", "parent_id", "company_id", "active"})


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.vn.phone.mixin", "crm.vn.protected.data.mixin",
                "crm.vn.personal.data.mixin"]
    _crm_vn_sensitive_fields = ("comment", "tier_revenue")
    _crm_vn_internal_fields = (
        "tier_override_id", "tier_override_reason", "tier_override_until", "tier_grace_until",
        "tier_order_count", "tier_points", "rfm_recency", "rfm_frequency", "rfm_monetary",
        "rfm_segment", "relationship_kind", "relationship_kind_manual", "crm_vn_owner_id",
        "crm_vn_care_escalated_for", "crm_vn_duplicate_owner_note")

    # Indexed: duplicates are looked up by the normalised numbers and emails.
    phone = fields.Char(index="btree_not_null")
    mobile = fields.Char(index="btree_not_null")
    email_normalized = fields.Char(index="btree_not_null")
    # Indexed: handovers look customers up by salesperson.
    user_id = fields.Many2one(index="btree_not_null")
    # What the record rules test: following commercial_partner_id.user_id instead joined
    # every partner on each list, count and search of care staff. Indexed with its NULLs,
    # which the rules also ask for.
    crm_vn_owner_id = fields.Many2one(
        "res.users", string="Care Owner", compute="_compute_crm_vn_owner_id", store=True,
        index=True,
        help="The salesperson of the customer's company, who owns its care; empty for "
        "unassigned customers and for the company's own people.")
    # Sensitive fields get their own prefetch group, so reading any other field as care
    # staff never drags them along (see crm.vn.protected.data.mixin).
    comment = fields.Html(prefetch="crm_vn_sensitive")
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
        tracking=True,
    )
    birthday = fields.Date(
        help="Date of birth on the solar calendar, as on the customer's ID card.",
    )
    lunar_birthday = fields.Boolean(
        string="Celebrates Lunar Birthday",
        help="The customer celebrates the lunar-calendar anniversary of this date: "
        "greetings and birthday bonuses follow the lunar calendar.",
    )
    # Prefixed: OCA partner_contact_birthdate defines its own ``age`` (from its own birth
    # date field, with a method of the same name), and both addons may be installed.
    crm_vn_age = fields.Integer(string="Customer Age", compute="_compute_crm_vn_age")
    # Stored for grouping and filtering; moved by a daily update as customers grow older
    # (_crm_vn_update_age_groups) and when administrators change the groups.
    age_group = fields.Many2one(
        "crm.vn.age.group", compute="_compute_age_group", store=True, index="btree_not_null",
        ondelete="set null")
    id_number = fields.Char(
        string="ID Card Number",
        help="Citizen ID card (CCCD, 12 digits) or old identity card (CMND, 9 digits).",
        copy=False,
    )
    source_id = fields.Many2one(
        "utm.source",
        string="Customer Source",
        index="btree_not_null",
        tracking=True,
        help="Where the customer came from: referral, Facebook, Zalo, website, walk-in...",
    )
    # Odoo's "State", translated "Trạng thái" (a status) in Vietnamese.
    state_id = fields.Many2one(string="Province / City")
    province_id = fields.Many2one(
        "res.country.state", string="Province Today",
        compute="_compute_province_id",
        store=True,
        index="btree_not_null",
        help="The province the address belongs to today: addresses in a province merged "
        "by an administrative reform count under the unit it merged into.",
    )
    duplicate_partner_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_partner_ids",
        help="Other customers with the same phone number, email or tax code.",
    )
    crm_vn_duplicate_owner_note = fields.Char(
        string="Already Looked After By", compute="_compute_duplicate_partner_ids",
        help="Customers you cannot see have the same phone number, email or tax code: "
        "who looks after them.")
    segment_ids = fields.Many2many(
        "crm.vn.segment",
        string="Target Segments",
        compute="_compute_segment_ids",
        groups="sales_team.group_sale_salesman",
    )
    is_target = fields.Boolean(
        string="Target Customer",
        compute="_compute_segment_ids",
        search="_search_is_target",
        groups="sales_team.group_sale_salesman",
    )
    # Who is a customer (crm.vn.concepts): the partner and its contacts and addresses,
    # archived ones too, whose orders count for it.
    crm_vn_member_ids = fields.One2many(
        "res.partner", "commercial_partner_id", string="Commercial Entity Members",
        context={"active_test": False})
    crm_vn_is_customer = fields.Boolean(
        string="Is a Customer", compute="_compute_crm_vn_is_customer",
        search="_search_crm_vn_is_customer",
        help="A company, or a person without a company, that bought from one of your "
        "companies (a confirmed order of it or of its contacts), was invoiced or holds a "
        "tier; not the company's own staff.")

    # Customer tier (hạng khách hàng): written in batches by crm.vn.tier.engine, shared
    # by the commercial entity and its contacts. A tier and its figures belong to a company
    # (company_dependent: one value per company, Odoo's property fields): a customer shared
    # by the companies of a group holds a tier in each, from that company's orders, and
    # users see the one of the company they work in.
    tier_id = fields.Many2one("crm.vn.tier", readonly=True, company_dependent=True)
    tier_since = fields.Date(readonly=True, company_dependent=True)
    tier_grace_until = fields.Date(
        string="Tier Kept Until", readonly=True, company_dependent=True,
        help="The customer no longer qualifies for the tier and keeps it until this date.")
    tier_override_id = fields.Many2one(
        "crm.vn.tier", string="Tier Set Manually", readonly=True, company_dependent=True)
    tier_override_reason = fields.Char(readonly=True, company_dependent=True)
    tier_override_until = fields.Date(
        string="Manual Tier Until", readonly=True, company_dependent=True)
    tier_history_ids = fields.One2many("crm.vn.tier.history", "partner_id")
    tier_currency_id = fields.Many2one("res.currency", readonly=True, company_dependent=True)
    # Floats shown as amounts in the views: Odoo has no company-dependent monetary field.
    tier_revenue = fields.Float(
        string="Revenue in Window", readonly=True, company_dependent=True,
        prefetch="crm_vn_sensitive",
        help="Untaxed revenue of confirmed orders in the tier window, less refunds.")
    tier_order_count = fields.Integer(
        string="Orders in Window", readonly=True, company_dependent=True)
    tier_points = fields.Float(
        string="Points Earned in Window", readonly=True, company_dependent=True,
        digits=(16, 2),
        help="Loyalty points earned over the tier window, when tiers count points.")
    # What is missing for the next tier, from the engine's own figures (nightly and on
    # each order): stored, so that lists sort and filter on it.
    tier_next_id = fields.Many2one(
        "crm.vn.tier", string="Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_revenue = fields.Float(
        string="Revenue Missing for the Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_orders = fields.Integer(
        string="Orders Missing for the Next Tier", readonly=True, company_dependent=True)
    tier_next_missing_points = fields.Float(
        string="Points Missing for the Next Tier", readonly=True, company_dependent=True,
        digits=(16, 2))
    tier_next_progress = fields.Float(
        string="Progress to the Next Tier (%)", readonly=True, company_dependent=True,
        digits=(5, 1),
        help="How far the customer is on the rule of the next tier it is furthest from: "
        "100 means it qualifies at the next recompute.")
    first_order_date = fields.Date(readonly=True, company_dependent=True)
    last_order_date = fields.Date(readonly=True, company_dependent=True)
    days_since_last_order = fields.Integer(compute="_compute_days_since_last_order")
    last_interaction_date = fields.Date(
        copy=False, help="Last time staff were in touch with the customer, or it bought.")
    # One care rhythm per customer: a shared customer is cared for at the most demanding
    # of its tiers (the shortest contact interval of its companies' tiers).
    next_care_date = fields.Date(
        compute="_compute_next_care_date", store=True, index="btree_not_null", copy=False,
        help="Last interaction plus the contact interval of the customer's tier (the "
        "shortest of its tiers, for a customer of several companies).")
    care_overdue = fields.Boolean(
        compute="_compute_care_overdue", search="_search_care_overdue")
    # RFM and relationship kind: company-wide quantiles, recomputed nightly by the engine,
    # per company like the tier.
    rfm_recency = fields.Integer(string="Recency Score", readonly=True, company_dependent=True)
    rfm_frequency = fields.Integer(
        string="Frequency Score", readonly=True, company_dependent=True)
    rfm_monetary = fields.Integer(string="Monetary Score", readonly=True, company_dependent=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True,
                                   company_dependent=True)
    relationship_kind = fields.Selection(
        RELATIONSHIP_KINDS, company_dependent=True,
        help="Derived from purchases (new, current, loyal, prospective) unless set by hand; "
        "strategic, exchange and project-based relationships are set by hand.")
    relationship_kind_manual = fields.Boolean(
        string="Relationship Set by Hand", company_dependent=True,
        help="Keep the relationship kind staff chose instead of deriving it.")
    # The care standard of the customer's tier, shown on its form.
    tier_color = fields.Integer(related="tier_id.color")
    tier_contact_interval_days = fields.Integer(related="tier_id.contact_interval_days")
    tier_channel_ids = fields.Many2many(related="tier_id.channel_ids")
    tier_complaint_response_hours = fields.Integer(related="tier_id.complaint_response_hours")
    tier_complaint_resolution_hours = fields.Integer(
        related="tier_id.complaint_resolution_hours")
    tier_birthday_gift_policy = fields.Text(related="tier_id.birthday_gift_policy")
    tier_holiday_gift_policy = fields.Text(related="tier_id.holiday_gift_policy")
    tier_account_manager_required = fields.Boolean(related="tier_id.account_manager_required")
    tier_points_multiplier = fields.Float(related="tier_id.points_multiplier")
    birthday_month = fields.Integer(compute="_compute_birthday_parts", store=True, index=True)
    birthday_day = fields.Integer(compute="_compute_birthday_parts", store=True)
    # The lunar day and month of birth, stored so that "whose lunar birthday is today" is
    # one indexed search, like the solar one.
    lunar_birth_month = fields.Integer(compute="_compute_birthday_parts", store=True, index=True)
    lunar_birth_day = fields.Integer(compute="_compute_birthday_parts", store=True)

    _sql_constraints = [
        ("id_number_uniq", "unique(id_number)",
         "Another customer already has this ID card number."),
    ]

    def _auto_init(self):
        # One UPDATE when the addon is installed on a large base, where the ORM would
        # compute the column partner by partner (the age groups: when they are created).
        if not column_exists(self.env.cr, "res_partner", "age_group"):
            create_column(self.env.cr, "res_partner", "age_group", "int4")
        if not column_exists(self.env.cr, "res_partner", "crm_vn_owner_id"):
            create_column(self.env.cr, "res_partner", "crm_vn_owner_id", "int4")
            self.env.cr.execute("""
                UPDATE res_partner p SET crm_vn_owner_id = c.user_id
                  FROM res_partner c
                 WHERE c.id = p.commercial_partner_id AND c.user_id IS NOT NULL
                   AND p.partner_share""")
        return super()._auto_init()

    @api.depends("partner_share", "commercial_partner_id.user_id")
    def _compute_crm_vn_owner_id(self):
        for partner in self:
            partner.crm_vn_owner_id = (partner.partner_share
                                       and partner.commercial_partner_id.user_id)

    @api.depends("birthday")
    def _compute_crm_vn_age(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.crm_vn_age = (relativedelta(today, partner.birthday).years
                                  if partner.birthday else 0)

    @api.depends("birthday")
    def _compute_age_group(self):
        today = fields.Date.context_today(self)
        groups = self.env["crm.vn.age.group"].sudo().search([])
        for partner in self:
            age = relativedelta(today, partner.birthday).years if partner.birthday else None
            partner.age_group = next(
                (group for group in groups if age is not None
                 and group.age_from <= age <= group.age_to), False)

    @api.model
    def _crm_vn_update_age_groups(self):
        """Every customer's age group as of today, in one UPDATE of the rows that change
        (the daily cron, and after administrators change the groups)."""
        self.env["res.partner"].flush_model(["birthday", "age_group"])
        self.env["crm.vn.age.group"].flush_model()
        self.env.cr.execute("""
            WITH new AS (
                SELECT p.id, g.id AS group_id
                  FROM res_partner p
             LEFT JOIN crm_vn_age_group g
                    ON g.active AND date_part('year', age(%(today)s, p.birthday))
                                    BETWEEN g.age_from AND g.age_to
                 WHERE p.birthday IS NOT NULL OR p.age_group IS NOT NULL
            )
            UPDATE res_partner p SET age_group = new.group_id
              FROM new
             WHERE p.id = new.id AND p.age_group IS DISTINCT FROM new.group_id
        """, {"today": fields.Date.context_today(self)})
        self.env["res.partner"].invalidate_model(["age_group"])

    @api.model
    def _cron_crm_vn_update_age_groups(self):
        self._crm_vn_update_age_groups()

    @api.model
    def _age_group_birthday_domain(self, low, high):
        """Birthdays of people aged between low and high (inclusive) today."""
        today = fields.Date.context_today(self)
        return [("birthday", ">", today - relativedelta(years=high + 1)),
                ("birthday", "<=", today - relativedelta(years=low))]

    @api.model
    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # A customer of one company holds its tier and figures in that company only:
        # shown whatever company the user works in (several may be selected), while a
        # customer shared by the group shows the tier of the company the user works in.
        sql = super()._field_to_sql(alias, fname, query, flush)
        if not self._crm_vn_company_field(fname):
            return sql
        return SQL("COALESCE(%s, %s)", sql, self._crm_vn_company_value_sql(
            alias, fname, SQL.identifier(alias, "company_id")))

    @api.model
    def _crm_vn_company_field(self, fname):
        """Whether ``fname`` is one of the addon's company-dependent fields (the tier,
        its figures, the RFM scores), which a customer holds per company."""
        field = self._fields.get(fname)
        return bool(field and field.company_dependent and field.name in CRM_VN_COMPANY_FIELDS)

    @api.model
    def _crm_vn_company_value_sql(self, alias, fname, company):
        """The value of the company-dependent ``fname`` of the partner ``alias`` in the
        company ``company`` (an SQL expression): the key of that company in the column."""
        field = self._fields[fname]
        return SQL("(%s -> (%s)::text ->> 0)::%s", SQL.identifier(alias, fname, to_flush=field),
                   company, SQL(field._column_type[1]))

    @api.model_create_multi
    def create(self, vals_list):
        if any(TIER_FIELDS & vals.keys() for vals in vals_list):
            check_protected_change(self.env, (), self._crm_vn_tier_refused())
        partners = super().create(vals_list)
        self.env["crm.vn.duplicate"]._sync(partners)
        return partners

    def write(self, vals):
        if vals.keys() & CRM_VN_COMPANY_FIELDS:
            # A customer of one company holds these in its company (see _field_to_sql),
            # whatever company the user writes from.
            elsewhere = self.filtered(lambda p: p.company_id and p.company_id != self.env.company)
            for company, partners in elsewhere.grouped("company_id").items():
                partners.with_company(company).write(vals)
            if elsewhere:
                return (self - elsewhere).write(vals) if self - elsewhere else True
        manual = {}
        if TIER_FIELDS & vals.keys() and check_protected_change(
                self.env, () if vals.keys() & TIER_FIELDS - MANUAL_TIER_FIELDS
                else (TIER_ADMIN_GROUP,), self._crm_vn_tier_refused()):
            manual = {name: vals[name] for name in MANUAL_TIER_FIELDS if name in vals}
            vals = {name: value for name, value in vals.items() if name not in manual}
        # A relationship kind chosen by staff is kept by the nightly derivation.
        if "relationship_kind" in vals and "relationship_kind_manual" not in vals:
            vals = dict(vals, relationship_kind_manual=bool(vals["relationship_kind"]))
        result = super().write(vals) if vals or not manual else True
        if manual:
            self._crm_vn_write_manual_tier(manual)
        if DUPLICATE_FIELDS & vals.keys():
            self.env["crm.vn.duplicate"]._sync(self)
        return result

    def _crm_vn_next_tier_missing(self, amount=0.0, orders=0):
        """What the customer still lacks for its next tier, as words, after an order of
        ``amount`` (company currency) counting for ``orders`` orders; empty when that
        order would reach it."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        revenue = max(0.0, customer.tier_next_missing_revenue - amount)
        count = max(0, customer.tier_next_missing_orders - orders)
        missing = []
        if revenue:
            currency = customer.tier_currency_id or customer.tier_next_id.company_id.currency_id
            missing.append(format_amount(self.env, revenue, currency))
        if count:
            missing.append(self.env._("%(count)s more orders", count=count))
        if customer.tier_next_missing_points:
            missing.append(self.env._("%(points)s more points", points=self.env[
                "loyalty.card"]._crm_vn_format_number(customer.tier_next_missing_points)))
        return missing

    def _crm_vn_tier_refused(self):
        return AccessError(self.env._(
            "Customer tiers are computed from purchases. Ask a customer care administrator "
            "to set a manual tier, with a reason (Set Tier Manually)."))

    def _crm_vn_write_manual_tier(self, vals):
        """An administrator writing the tier over the API sets an audited manual tier."""
        tier = self.env["crm.vn.tier"].browse(
            vals.get("tier_override_id", vals.get("tier_id")) or [])
        until = fields.Date.to_date(vals.get("tier_override_until")) or False
        self.commercial_partner_id._crm_vn_set_tier_override(
            tier, vals.get("tier_override_reason"), until)

    @trusted
    def _fields_sync(self, values):
        # Odoo copies a company's tier and figures to its contacts as the current user.
        return super()._fields_sync(values)

    @api.depends("birthday")
    def _compute_birthday_parts(self):
        calendar = self.env["crm.vn.calendar"]
        for partner in self:
            birthday = partner.birthday
            lunar = calendar._lunar_day_month(birthday) if birthday else (0, 0, False)
            partner.birthday_month = birthday.month if birthday else 0
            partner.birthday_day = birthday.day if birthday else 0
            partner.lunar_birth_day, partner.lunar_birth_month = lunar[0], lunar[1]

    @api.model
    def _crm_vn_celebrating_domain(self, day):
        """Customers whose birthday falls on ``day``: on the solar calendar, or on the
        lunar one for those who keep their lunar birthday (sinh nhật âm lịch)."""
        solar, lunar = self.env["crm.vn.calendar"]._celebration_days(day)
        domains = [[("lunar_birthday", "=", False), ("birthday_month", "=", month),
                    ("birthday_day", "=", day_of_month)] for day_of_month, month in solar]
        domains += [[("lunar_birthday", "=", True), ("lunar_birth_month", "=", month),
                     ("lunar_birth_day", "=", day_of_month)] for day_of_month, month in lunar]
        return expression.OR(domains)

    def _compute_days_since_last_order(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.last_order_date
            partner.days_since_last_order = (today - last).days if last else 0

    @api.depends("last_interaction_date", "tier_id")
    def _compute_next_care_date(self):
        # The tier engine writes it in SQL with the same rule (crm.vn.concepts).
        concepts = self.env["crm.vn.concepts"]
        tiers = self._crm_vn_tiers_of_all_companies()
        for partner in self:
            partner.next_care_date = concepts._next_care_date(
                partner.last_interaction_date, tiers.get(partner.id, self.env["crm.vn.tier"]))

    def _crm_vn_tiers_of_all_companies(self):
        """{partner id: its tiers in every company} (a shared customer holds one per
        company), read from the column whatever the company the user works in."""
        self.flush_recordset(["tier_id"])
        rows = self.env.execute_query(SQL("""
            SELECT p.id, array_agg((e.value #>> '{}')::int)
              FROM res_partner p, jsonb_each(p.tier_id) e
             WHERE p.id = ANY(%s) AND jsonb_typeof(e.value) = 'number'
          GROUP BY p.id""", self.ids))
        return {pid: self.env["crm.vn.tier"].sudo().browse(ids) for pid, ids in rows}

    def _compute_care_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.care_overdue = bool(partner.next_care_date and partner.next_care_date < today)

    def _search_care_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on overdue care."))
        domain = [("next_care_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "tier_id", "tier_since", "tier_grace_until", "tier_override_id",
            "tier_override_reason", "tier_override_until", "tier_currency_id", "tier_revenue",
            "tier_order_count", "tier_points", "first_order_date", "last_order_date",
            "last_interaction_date",
            "rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "relationship_kind",
            "relationship_kind_manual"]

    # Loyalty points (tích điểm): the customer's card in its company's loyalty programme.
    crm_vn_loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", compute="_compute_crm_vn_loyalty")
    crm_vn_points_balance = fields.Float(
        string="Points Balance", compute="_compute_crm_vn_loyalty")
    crm_vn_points_expiring = fields.Float(
        string="Expiring within 30 Days", compute="_compute_crm_vn_loyalty",
        help="Unspent points that expire in the next 30 days, oldest first.")
    crm_vn_points_debt = fields.Float(string="Points Owed", compute="_compute_crm_vn_loyalty")
    crm_vn_points_history_ids = fields.One2many(
        "loyalty.history", string="Points History", compute="_compute_crm_vn_loyalty")

    def _compute_crm_vn_loyalty(self):
        Card = self.env["loyalty.card"]
        until = fields.Date.add(fields.Date.context_today(self), days=30)
        program_of = {partner: (partner.company_id or self.env.company).crm_vn_loyalty_program_id
                      for partner in self}
        # One search for the whole batch; the first card (lowest id) of a customer wins.
        card_of = {}
        for card in Card.search([
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("program_id", "in", [program.id for program in program_of.values()])]):
            card_of.setdefault((card.partner_id.id, card.program_id.id), card)
        cards = {partner: card_of.get((partner.commercial_partner_id.id, program.id), Card)
                 for partner, program in program_of.items()}
        expiring = Card.union(*cards.values()).sudo()._crm_vn_unspent_until(until)
        for partner, card in cards.items():
            partner.crm_vn_loyalty_card_id = card
            partner.crm_vn_points_balance = card.points
            partner.crm_vn_points_expiring = expiring.get(card.id, 0.0)
            partner.crm_vn_points_debt = card.crm_vn_points_debt
            partner.crm_vn_points_history_ids = card.history_ids

    crm_vn_care_log_ids = fields.One2many("crm.vn.care.log", "partner_id", string="Care Logs")
    crm_vn_care_escalated_for = fields.Date(
        string="Overdue Care Escalated", readonly=True, copy=False,
        help="The missed care date the team leader was last alerted about.")
    crm_vn_complaint_ids = fields.One2many("crm.vn.complaint", "partner_id", string="Complaints")

    @api.model
    def _crm_vn_check_customer_access(self, *documents):
        """Care and complaints are recorded on customers (and their orders and leads) the
        user may see: they move the customer's care dates and count in its figures."""
        if not self.env.su and any(doc - doc._filtered_access("read") for doc in documents):
            raise AccessError(self.env._(
                "You can only record care and complaints for customers you look after."))

    def action_crm_vn_log_care(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.care.log",
            "view_mode": "form", "target": "new", "name": self.env._("Log Care"),
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_crm_vn_new_complaint(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.complaint",
            "view_mode": "form", "name": self.env._("New Complaint"),
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_crm_vn_adjust_points(self):
        self.ensure_one()
        self.check_access("read")
        # Opening the adjustment creates the customer's card: managers only.
        self.env["loyalty.card"]._crm_vn_check_points_change()
        program = (self.company_id or self.env.company).crm_vn_loyalty_program_id
        if not program:
            raise UserError(self.env._(
                "Choose the customer loyalty programme first (Settings › CRM › Loyalty "
                "Points)."))
        return self.env["loyalty.card"]._crm_vn_card_of(
            self.commercial_partner_id, program).action_loyalty_update_balance()

    def _update_fields_values(self, fields):
        # Odoo copies the company's fields to its contacts as the current user; for care
        # staff that copy includes figures they may not read themselves.
        sensitive = set(fields) & set(self._crm_vn_sensitive_fields)
        if sensitive and self._crm_vn_hides_sensitive_fields():
            return super(ResPartner, self.sudo())._update_fields_values(fields)
        return super()._update_fields_values(fields)

    def action_recompute_tier(self):
        # The engine works in SQL as superuser: check the caller first.
        self._crm_vn_check_tier_admin()
        self.env["crm.vn.tier.engine"]._recompute(self)

    def _crm_vn_check_tier_admin(self):
        if not self.env.user.has_group(TIER_ADMIN_GROUP):
            raise AccessError(self.env._(
                "Only customer care administrators can set or recompute customer tiers."))
        self.check_access("write")

    def action_open_tier_override(self):
        self.ensure_one()
        self._crm_vn_check_tier_admin()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.tier.override",
            "view_mode": "form", "target": "new", "name": self.env._("Set Tier Manually"),
            "context": {"default_partner_id": self.commercial_partner_id.id,
                        "default_tier_id": self.tier_override_id.id},
        }

    def _crm_vn_audit_partner(self):
        return self.commercial_partner_id

    def _crm_vn_care_partner(self):
        return self.commercial_partner_id

    def _crm_vn_set_tier_override(self, tier, reason, date_end=False):
        """Set (or, with no tier, remove) a manual tier, audited in the tier history."""
        if not self.env.su:
            self._crm_vn_check_tier_admin()
        engine = self.env["crm.vn.tier.engine"]
        today = fields.Date.context_today(self)
        if not (reason or "").strip():
            raise UserError(self.env._(
                "Give the reason for the manual tier: it is kept in the tier history."))
        if date_end and date_end < today:
            raise UserError(self.env._("The end date of a manual tier cannot be in the past."))
        customer = self.commercial_partner_id[:1]
        if tier and customer.company_id and tier.company_id != customer.company_id:
            raise UserError(self.env._(
                "Tier %(tier)s belongs to another company than the customer.",
                tier=tier.display_name))
        # The tier of the company it belongs to (a shared customer holds one per company).
        company = tier.company_id or customer.company_id or self.env.company
        partners = self.with_company(company)
        for partner in partners:
            old = partner.tier_id
            if not tier:
                # Ended as of yesterday: the engine goes back to the rules at once.
                if partner.tier_override_id:
                    partner.sudo().tier_override_until = today - relativedelta(days=1)
                    engine._recompute(partner)
                continue
            partner.sudo().write({
                "tier_override_id": tier.id, "tier_override_reason": reason,
                "tier_override_until": date_end, "tier_grace_until": False,
                "tier_id": tier.id, "tier_since": today if tier != old else partner.tier_since,
            })
            self.env["crm.vn.tier.history"].sudo().create({
                "partner_id": partner.id, "company_id": company.id,
                "old_tier_id": old.id, "new_tier_id": tier.id, "cause": "override",
                "direction": self.env["crm.vn.tier.history"]._direction(old, tier),
                "reason": reason, "user_id": self.env.uid})
            partner.message_post(body=self.env._(
                "Customer tier set manually: %(old)s → %(new)s. Reason: %(reason)s",
                old=old.name or "-", new=tier.name, reason=reason))
        if tier:
            # The next tier is the one above the tier held, manual or not.
            engine._recompute(partners)

    @api.depends("state_id.merged_into_id")
    def _compute_province_id(self):
        for partner in self:
            partner.province_id = partner.state_id._current_unit()

    @api.constrains("id_number")
    def _check_id_number(self):
        for partner in self.filtered("id_number"):
            if not re.fullmatch(r"\d{9}|\d{12}", partner.id_number):
                raise ValidationError(self.env._(
                    "%(number)s is not a valid ID card number: a citizen ID card (CCCD) has "
                    "12 digits, an old identity card (CMND) 9.", number=partner.id_number))

    @api.depends("phone", "mobile", "email", "vat", "commercial_partner_id", "company_id")
    @api.depends_context("uid")
    def _compute_duplicate_partner_ids(self):
        # Looked up over the whole company; only what the user may see is shown, and of
        # the others only who looks after them.
        matches = self.env["crm.vn.duplicate"]._find_matches(self)
        found = self.browse().union(*(m for found in matches.values() for m in found))
        visible = found.with_env(self.env)._filtered_access("read")
        for partner in self:
            others = self.browse().union(*matches.get(partner, {}))
            partner.duplicate_partner_ids = others.with_env(self.env) & visible
            hidden = others - visible.sudo()
            partner.crm_vn_duplicate_owner_note = (
                self.env["crm.vn.duplicate"]._owner_note(hidden) if hidden else False)

    @api.model
    def _duplicate_keys(self, partner):
        keys = set()
        for number in (partner.phone, partner.mobile):
            if number:
                # Typed in a form, a number is not normalised yet: compare stored forms.
                try:
                    number = self._crm_vn_normalize_phone(
                        number, partner.country_id or partner.company_id.country_id, "phone")
                except ValidationError:
                    pass
                keys.add(("phone", number))
        if email_normalize(partner.email or ""):
            keys.add(("email", email_normalize(partner.email)))
        if partner.vat:
            keys.add(("vat", partner.vat))
        return keys

    def action_merge_duplicates(self, others=None):
        """Odoo's own merge wizard, pre-filled: it moves orders, leads, loyalty cards and
        every other record pointing to the merged customers onto the one kept."""
        self.ensure_one()
        if not self.env.user.has_group("crm_vn_custom.group_crm_vn_care_manager"):
            raise AccessError(self.env._("Only care managers merge customers."))
        self.check_access("write")
        partners = self | (others or self.duplicate_partner_ids[:2])
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids,
                        "default_dst_partner_id": self.id},
        }

    def action_crm_vn_request_customer(self):
        """Ask the salesperson who looks after the same customer to hand it over."""
        self.ensure_one()
        self.check_access("read")
        duplicates = self.env["crm.vn.duplicate"].search([
            ("partner_id", "=", self.id), ("user_id", "=", self.env.uid),
            ("state", "in", ("saved", "declined"))])
        if not duplicates:
            raise UserError(self.env._(
                "No customer of another salesperson has this phone number, email or tax "
                "code, or it has already been asked for."))
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.duplicate.reason",
            "view_mode": "form", "target": "new", "name": self.env._("Ask for This Customer"),
            "context": {"default_duplicate_ids": duplicates.ids, "default_mode": "request"},
        }

    def _compute_segment_ids(self):
        segments = self.env["crm.vn.segment"].search([])
        for partner in self:
            # Membership is a fact, whatever orders the user may read (see
            # crm.vn.concepts._customer_domain).
            partner.segment_ids = segments.filtered(
                lambda seg, p=partner: p.sudo().filtered_domain(seg._get_partner_domain()))
            partner.is_target = bool(partner.segment_ids)

    def _search_is_target(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on target customer."))
        segments = self.env["crm.vn.segment"].search([])
        domain = expression.OR([seg._get_partner_domain() for seg in segments])
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.depends_context("allowed_company_ids")
    def _compute_crm_vn_is_customer(self):
        # Whoever asks: being a customer does not depend on which orders one may read.
        domain = self.env["crm.vn.concepts"]._customer_domain(self.env.companies)
        customers = self.sudo().filtered_domain(domain)
        for partner in self:
            partner.crm_vn_is_customer = partner in customers

    def _search_crm_vn_is_customer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on customers."))
        domain = self.env["crm.vn.concepts"]._customer_domain(self.env.companies)
        customers = self.sudo().with_context(active_test=False)._search(domain)
        return [("id", "in" if (operator == "=") == value else "not in", customers)]
