from . import crm_vn_report_mixin
from . import crm_vn_customer_report
from . import crm_vn_cohort_report
from . import crm_vn_care_compliance_report
from . import crm_vn_points_report
from . import sale_report
from . import crm_vn_satisfaction_report
from . import crm_vn_dashboard
