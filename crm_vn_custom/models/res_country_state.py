from odoo import api, fields, models

from ..tools.vn_text import vn_place_key

# Short forms and former names that customer lists use, to the key of the province's
# name here (see vn_place_key).
PROVINCE_ALIASES = {
    "hn": "hanoi", "hcm": "hochiminh", "hcmc": "hochiminh", "tphcm": "hochiminh",
    "saigon": "hochiminh", "sg": "hochiminh", "thuathienhue": "hue", "thuathien": "hue",
    "hp": "haiphong", "brvt": "bariavungtau", "dnang": "danang",
}


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

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        result = super().name_search(name, args, operator, limit)
        if result or operator != "=" or not name or not self.env.context.get("import_file"):
            return result
        # Lists from other systems name the provinces of before July 2025 (archived here)
        # and their usual short forms: an import finds them too.
        state = self._crm_vn_find_vietnamese_province(name)
        return [(state.id, state.display_name)] if state else result

    @api.model
    def _crm_vn_find_vietnamese_province(self, name):
        key = vn_place_key(name)
        key = PROVINCE_ALIASES.get(key, key)
        states = self.with_context(active_test=False).search(
            [("country_id", "=", self.env.ref("base.vn").id)])
        matches = states.filtered(lambda state: vn_place_key(state.name) == key)
        return matches[:1]
