from odoo import fields, models
from odoo.tools import SQL


class CrmVnReportMixin(models.AbstractModel):
    """What every customer care report row carries: the customer, its company and who
    answers for it, the columns the reports' record rules read
    (security/crm_vn_report_security.xml)."""

    _name = "crm.vn.report.mixin"
    _description = "Customer Care Report Row"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    tier_id = fields.Many2one("crm.vn.tier", readonly=True)

    # The view is the query of these parts, each an overridable method returning SQL,
    # as Odoo's account.invoice.report: an extension adds a column by extending
    # _select() (and _from() for what it joins), see readme/DEVELOP.md.
    @property
    def _table_query(self):
        return SQL("%s %s %s %s %s", self._with(), self._select(), self._from(),
                   self._where(), self._group_by())

    def _with(self):
        """Common table expressions (``WITH ...``) the other parts read, if any."""
        return SQL()

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL()

    def _group_by(self):
        return SQL()
