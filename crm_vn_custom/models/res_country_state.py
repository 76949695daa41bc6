from odoo import fields, models


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    # Vietnam's 2025 reform merged 63 provincial units into 34: the absorbed ones are
    # archived (hidden from address pickers) but kept, so old addresses and history still
    # read correctly and reports can map them to the unit they now belong to.
    active = fields.Boolean(default=True)
    merged_into_id = fields.Many2one(
        "res.country.state",
        domain="[('country_id', '=', country_id)]",
        help="The provincial unit this one became part of in an administrative reform.",
    )
    merge_date = fields.Date(help="Date the merger took effect.")

    def _current_unit(self):
        """The unit each state belongs to today (itself when it was not merged)."""
        return self.mapped(lambda state: state.merged_into_id or state)
