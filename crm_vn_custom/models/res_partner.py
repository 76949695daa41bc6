import re

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import email_normalize
from odoo.tools.sql import column_exists, create_column

# Changes that can make a customer a duplicate of another salesperson's, or stop it.
DUPLICATE_FIELDS = frozenset({
    "phone", "mobile", "email", "vat", "user_id", "parent_id", "company_id", "active"})


class ResPartner(models.Model):
    """The customer: Vietnamese personal data (gender, solar or lunar birthday, age group,
    ID card, province), where it came from, who looks after it, duplicates across staff,
    target segments and whether it is a customer. Its tier, care and loyalty card are in
    res_partner_tier.py, res_partner_care.py and res_partner_loyalty.py."""

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

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        self.env["crm.vn.duplicate"]._sync(partners)
        return partners

    def write(self, vals):
        result = super().write(vals)
        if DUPLICATE_FIELDS & vals.keys():
            self.env["crm.vn.duplicate"]._sync(self)
        return result

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

    def _update_fields_values(self, fields):
        # Odoo copies the company's fields to its contacts as the current user; for care
        # staff that copy includes figures they may not read themselves.
        sensitive = set(fields) & set(self._crm_vn_sensitive_fields)
        if sensitive and self._crm_vn_hides_sensitive_fields():
            return super(ResPartner, self.sudo())._update_fields_values(fields)
        return super()._update_fields_values(fields)

    def _crm_vn_audit_partner(self):
        return self.commercial_partner_id

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
