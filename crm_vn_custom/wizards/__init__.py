from . import crm_vn_province_migration
from . import base_partner_merge_automatic_wizard
from . import crm_vn_tier_override
from . import crm_vn_tier_preview
from . import crm_vn_staff_transfer
from . import loyalty_card_update_balance
from . import crm_vn_duplicate_reason
from . import crm_vn_data_subject_request
