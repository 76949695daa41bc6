"""The access matrix: who may do what, per position, on the customer data of the addon.

Pure data, read by ``test_access_matrix.py`` (which checks every cell over JSON-RPC and
that no model or public method of the addon is missing) and by ``make access-table``
(which writes it into readme/CONFIGURE.md), so the documentation and the tests cannot
drift.
"""

POSITIONS = {
    "portal": "Portal customer",
    "staff": "Care Staff",
    "leader": "Team Leader",
    "manager": "Care Manager",
    "admin": "Administrator",
    "other_company": "Care Manager of another company",
}

# What a position may act on, among three customers of one company: a care staff
# member's own customer, a colleague's in the same team and another team's customer
# (and the records that belong to them):
#   "O" the staff member's own only, "T" the whole team's, "A" all, "-" none.
# Entries about something that belongs to no salesperson (configuration) use "A" or "-".
# One letter per position, in the order of POSITIONS.
SCOPES = {"O": "own", "T": "team", "A": "all", "-": "—"}

MODELS = {
    # model: {operation: expected}
    "res.partner": {"read": "-OTAA-", "write": "-OTAA-"},
    "crm.lead": {"read": "-OTAA-", "write": "-OTAA-"},
    "loyalty.card": {"read": "-OTAA-", "write": "-OTAA-"},
    "loyalty.history": {"read": "-OTAA-", "write": "---AA-"},
    "crm.vn.care.log": {"read": "-OTAA-", "write": "-OTAA-"},
    "crm.vn.complaint": {"read": "-OTAA-", "write": "-OTAA-"},
    "crm.vn.care.occurrence": {"read": "-OTAA-", "write": "------"},
    "crm.vn.tier.history": {"read": "-OTAA-", "write": "------"},
    "crm.vn.duplicate": {"read": "-OTAA-", "write": "---AA-"},
    "crm.vn.audit.log": {"read": "---AA-", "write": "------"},
    "crm.vn.consent": {"read": "-OTAA-", "write": "------"},
    "crm.vn.message.provider": {"read": "---AA-", "write": "----A-"},
    "crm.vn.zns.template": {"read": "---AA-", "write": "----A-"},
    "crm.vn.customer.report": {"read": "-OTAA-"},
    "crm.vn.cohort.report": {"read": "-OTAA-"},
    "crm.vn.care.compliance.report": {"read": "-OTAA-"},
    "crm.vn.satisfaction.report": {"read": "-OTAA-"},
    "crm.vn.points.report": {"read": "-OTAA-"},
    "crm.vn.tier": {"read": "-AAAA-", "write": "----A-"},
    "crm.vn.care.channel": {"read": "-AAAAA", "write": "----A-"},
    "crm.vn.occasion": {"read": "-AAAAA", "write": "----A-"},
    "crm.vn.age.group": {"read": "-AAAAA", "write": "----A-"},
    "crm.vn.segment": {"read": "-AAAA-", "write": "---AA-"},
    "mail.activity.plan": {"read": "-AAAAA", "write": "---AA-"},
}

METHODS = {
    # (model, method): expected
    ("res.partner", "action_crm_vn_log_care"): "-OTAA-",
    ("res.partner", "action_crm_vn_new_complaint"): "-OTAA-",
    ("res.partner", "action_crm_vn_request_customer"): "-OTAA-",
    ("res.partner", "action_crm_vn_adjust_points"): "---AA-",
    ("res.partner", "action_merge_duplicates"): "---AA-",
    ("res.partner", "action_open_tier_override"): "----A-",
    ("res.partner", "action_recompute_tier"): "----A-",
    ("crm.vn.complaint", "action_start"): "-OTAA-",
    ("crm.vn.complaint", "action_resolve"): "-OTAA-",
    ("crm.vn.complaint", "action_cancel"): "-OTAA-",
    ("crm.vn.duplicate", "action_transfer"): "-OTAA-",
    ("crm.vn.duplicate", "action_decline"): "-OTAA-",
    ("crm.vn.duplicate", "action_merge"): "---AA-",
    ("crm.vn.duplicate.reason", "action_confirm"): "-OTAA-",
    ("crm.vn.audit.log", "action_open_document"): "---AA-",
    ("crm.vn.tier", "action_open_partners"): "-AAAA-",
    ("crm.vn.tier", "action_setup_company"): "----A-",
    ("res.company", "action_crm_vn_setup_customer_care"): "----A-",
    ("crm.vn.segment", "action_open_partners"): "-AAAA-",
    ("crm.vn.dashboard", "retrieve_dashboard"): "-AAAAA",
    ("crm.vn.tier.override", "action_apply"): "----A-",
    ("crm.vn.tier.preview", "action_preview"): "----A-",
    ("crm.vn.tier.preview", "action_apply"): "----A-",
    ("crm.vn.tier.preview", "action_recompute"): "----A-",
    ("crm.vn.staff.transfer", "action_transfer"): "---AA-",
    ("res.users", "action_crm_vn_transfer_customers"): "---AA-",
    ("crm.vn.province.migration", "action_migrate"): "----A-",
    ("crm.vn.data.subject.request", "action_confirm"): "---AA-",
    ("crm.vn.message.provider", "action_refresh_token"): "----A-",
}

# Models of the addon with no entry point of their own: engines and helpers that other
# entry points call as the server, and lines of the wizards above.
INTERNAL_MODELS = {
    "crm.vn.calendar": "Vietnamese calendar helpers",
    "crm.vn.concepts": "one definition of each business concept (customer, revenue...)",
    "crm.vn.care.engine": "runs the care steps for the events and crons",
    "crm.vn.demo.data": "builds the demo data at install",
    "crm.vn.phone.mixin": "phone number normalisation",
    "crm.vn.protected.data.mixin": "hides sensitive fields",
    "crm.vn.report.mixin": "columns shared by the reports",
    "crm.vn.tier.engine": "computes tiers in SQL, called by the entry points above",
    "crm.vn.rfm": "RFM scores after the night's tiers, called by the tier cron",
    "crm.vn.tier.cursor": "where the nightly tier recompute stands, written by its cron",
    "crm.vn.tier.preview.line": "lines of the tier preview",
    "crm.vn.province.migration.line": "lines of the province move",
    "crm.vn.messenger": "sends the care messages, called by the care engine and its cron",
    "crm.vn.message.event": "delivery reports already applied, written by the webhook",
    "crm.vn.personal.data.mixin": "a customer's data export and erasure, for the request",
    "crm.vn.zns.template.parameter": "lines of the ZNS templates",
}


def render_markdown():
    """The access section of readme/CONFIGURE.md."""
    header = "| | " + " | ".join(POSITIONS.values()) + " |"
    lines = [header, "|---" * (len(POSITIONS) + 1) + "|"]
    for model, operations in MODELS.items():
        for operation, expected in operations.items():
            lines.append(f"| {model}: {operation} | "
                         + " | ".join(SCOPES[letter] for letter in expected) + " |")
    for (model, method), expected in METHODS.items():
        lines.append(f"| {model}: `{method}` | "
                     + " | ".join(SCOPES[letter] for letter in expected) + " |")
    return "\n".join(lines) + "\n"
