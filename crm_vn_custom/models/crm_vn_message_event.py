from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmVnMessageEvent(models.Model):
    """Signatures of the delivery reports already applied: a report sent again is refused."""

    _name = "crm.vn.message.event"
    _description = "Delivery Report Received"
    _log_access = False

    provider_id = fields.Many2one("crm.vn.message.provider", required=True, ondelete="cascade")
    signature = fields.Char(required=True)
    received_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [("signature_uniq", "unique(provider_id, signature)",
                         "This delivery report was already received.")]

    @api.model
    def _claim(self, provider, signature):
        rows = self.env.execute_query(SQL("""
            INSERT INTO crm_vn_message_event (provider_id, signature, received_at)
                 VALUES (%s, %s, %s)
            ON CONFLICT (provider_id, signature) DO NOTHING
              RETURNING id
        """, provider.id, signature, fields.Datetime.now()))
        return bool(rows)

    @api.autovacuum
    def _gc_old_events(self):
        # Older reports are refused by their timestamp anyway.
        self.search([("received_at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
