def migrate(cr, version):
    """The tier recompute keeps its progress in crm.vn.tier.cursor: the parameter it
    wrote at every batch (clearing every worker's caches) goes."""
    cr.execute("DELETE FROM ir_config_parameter WHERE key = 'crm_vn_custom.tier_cursor'")
