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
        anniversary = SQL("""(SELECT id FROM res_partner
                               WHERE first_order_date < %(day)s
                                 AND date_part('month', first_order_date) = %(month)s
                                 AND date_part('day', first_order_date) = %(dom)s)""",
                          day=day, month=day.month, dom=day.day)
        return [(customers + [("id", "in", anniversary)],
                 f"first_purchase_anniversary:{day.year}")]
