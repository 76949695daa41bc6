from odoo import Command

from . import controllers
from . import models
from . import report
from . import tools
from . import wizards


def _post_init_hook(env):
    """Sales administrators become customer care administrators on install, so they keep
    configuring tiers as before; everybody else gets a Customer Care position by hand."""
    sales_admins = env.ref("sales_team.group_sale_manager").users.filtered(lambda u: not u.share)
    env.ref("crm_vn_custom.group_crm_vn_admin").users = [
        Command.link(user.id) for user in sales_admins]


def _uninstall_hook(env):
    """Odoo deletes the records of the addon's data and demo files, then drops its tables.
    Remove first what would stop it: the tier history, whose lines forbid deleting the
    tiers they name (the table is dropped right after anyway), and, in a database with the
    demo data, the demo company with everything the demo generator created in it."""
    env["crm.vn.tier.history"].search([]).unlink()
    demo = env["crm.vn.demo.data"]
    # The main demo company first: its staff have documents there only.
    for xmlid in ("crm_vn_custom.company_sao_viet", "crm_vn_custom.company_sao_viet_south"):
        company = env.ref(xmlid, raise_if_not_found=False)
        if company:
            demo._unlink_demo_company(company)
    demo._unlink_group_customers()
