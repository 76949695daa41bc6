from odoo import api, models
from odoo.tools import SQL


class CrmVnCareEngine(models.AbstractModel):
    """Recipe "a new trigger", 2/2: its method, named after it, called by the daily cron
    for each step with the trigger and each day it looks at."""

    _inherit = "crm.vn.care.engine"

    @api.model
    def _crm_vn_trigger_first_purchase_anniversary(self, step, day, customers):
        """Customers who first bought on this day and month of an earlier year, once a
        year each."""
        # The first order date is company-dependent (one per company of the group): the
        # ORM gives its value in the step's company, which the engine works in.
        first = self.env["res.partner"]._field_to_sql("p", "first_order_date")
        anniversary = SQL("""(SELECT p.id FROM res_partner p
                               WHERE %(first)s < %(day)s
                                 AND date_part('month', %(first)s) = %(month)s
                                 AND date_part('day', %(first)s) = %(dom)s)""",
                          first=first, day=day, month=day.month, dom=day.day)
        return [(customers + [("id", "in", anniversary)],
                 f"first_purchase_anniversary:{day.year}")]
