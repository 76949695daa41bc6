from . import crm_vn_demo_data, res_partner
