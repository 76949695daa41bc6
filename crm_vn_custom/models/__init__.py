from . import crm_vn_phone_mixin
from . import crm_vn_demo_data
from . import res_country_state
from . import res_partner
from . import crm_vn_segment
from . import crm_lead
from . import base_import_import
