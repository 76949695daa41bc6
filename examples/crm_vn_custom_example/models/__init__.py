from . import crm_vn_care_engine
from . import crm_vn_customer_report
from . import crm_vn_tier
from . import crm_vn_tier_engine
from . import mail_activity_plan_template
