from odoo import fields, models
from odoo.tools import SQL


class SaleReport(models.Model):
    _inherit = "sale.report"

    crm_vn_customer_kind = fields.Selection(
        [("new", "New Customer"), ("returning", "Returning Customer")],
        string="New or Returning", readonly=True,
        help="New: the order is in the month of the customer's first confirmed order in "
        "this company. Returning: the customer had bought in an earlier month.")
    crm_vn_tier_id = fields.Many2one("crm.vn.tier", string="Customer Tier", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["crm_vn_customer_kind"] = """
            CASE WHEN crm_vn_first.month < date_trunc('month', s.date_order)
                 THEN 'returning' ELSE 'new' END"""
        res["crm_vn_tier_id"] = "crm_vn_tier.id"
        return res

    def _from_sale(self):
        # The month of each customer's first purchase, once for the whole view; Odoo's
        # query is text, so the fragment is rendered into it.
        first_purchases = SQL(
            "SELECT partner_id, company_id, date_trunc('month', date_order) AS month "
            "FROM (%s) first_purchase", self.env["crm.vn.concepts"]._first_purchases_sql())
        first_purchases = self.env.cr.mogrify(*first_purchases).decode(
            self.env.cr.connection.encoding)
        return super()._from_sale() + f"""
            JOIN res_partner commercial_partner
              ON commercial_partner.id = partner.commercial_partner_id
            LEFT JOIN ({first_purchases}) crm_vn_first
                   ON crm_vn_first.partner_id = partner.commercial_partner_id
                  AND crm_vn_first.company_id = s.company_id
            LEFT JOIN crm_vn_tier
                   ON crm_vn_tier.id = (commercial_partner.tier_id
                                        -> s.company_id::text ->> 0)::int"""

    def _group_by_sale(self):
        return super()._group_by_sale() + """,
            crm_vn_first.month,
            crm_vn_tier.id"""
