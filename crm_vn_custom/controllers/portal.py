from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

SUBJECT_MAX_LENGTH = 200


class CrmVnCustomerPortal(CustomerPortal):
    """The customer's side: his tier with what it gives and what the next tiers ask, his
    points with their expiry, and his complaints (filed and followed here).

    What a page shows is read as the server once the record is known to belong to the
    logged-in customer (his commercial entity): never the company's internal figures and
    notes about him (tier revenue, RFM, overrides, care logs)."""

    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_vn_complaint_count" in counters:
            Complaint = request.env["crm.vn.complaint"]
            values["crm_vn_complaint_count"] = Complaint.search_count(
                self._crm_vn_complaints_domain()) if Complaint.has_access("read") else 0
        if not counters:
            values["crm_vn_customer"] = self._crm_vn_customer()
        return values

    def _crm_vn_customer(self):
        """The logged-in customer's commercial entity, as the server."""
        return request.env.user.partner_id.commercial_partner_id.sudo()

    def _crm_vn_complaints_domain(self):
        return [("partner_id", "child_of", [self._crm_vn_customer().id])]

    # ------------------------------------------------------------------ tier and points
    @route(["/my/membership", "/my/membership/page/<int:page>"], type="http", auth="user",
           website=True)
    def portal_crm_vn_membership(self, page=1, **kw):
        customer = self._crm_vn_customer()
        card = customer.crm_vn_loyalty_card_id.sudo()
        History = request.env["loyalty.history"].sudo()
        domain = [("card_id", "=", card.id)] if card else [("id", "=", False)]
        pager = portal_pager(url="/my/membership", total=History.search_count(domain),
                             page=page, step=self._items_per_page)
        tier = customer.tier_id.sudo()
        company = tier.company_id or customer.company_id or request.env.company
        tiers = request.env["crm.vn.tier"].sudo().search([("company_id", "=", company.id)])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "crm_vn_membership",
            "customer": customer,
            "tier": tier,
            "tiers": tiers,
            # The tier engine's own next tier (stored with what is missing for it).
            "next_tier": customer.sudo().tier_next_id,
            "next_tier_missing": customer._crm_vn_next_tier_missing(),
            "window_days": company.crm_vn_tier_window_days,
            "card": card,
            "history_lines": History.search(domain, order="create_date desc, id desc",
                                            limit=self._items_per_page,
                                            offset=pager["offset"]),
            "tier_changes": request.env["crm.vn.tier.history"].sudo().search(
                [("partner_id", "=", customer.id)], limit=20),
            "pager": pager,
            "today": fields.Date.context_today(request.env.user),
            "format_number": request.env["loyalty.card"]._crm_vn_format_number,
        })
        return request.render("crm_vn_custom.portal_my_membership", values)

    # ------------------------------------------------------------------ complaints
    @route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user",
           website=True)
    def portal_my_crm_vn_complaints(self, page=1, **kw):
        Complaint = request.env["crm.vn.complaint"]
        domain = self._crm_vn_complaints_domain()
        has_access = Complaint.has_access("read")
        pager = portal_pager(url="/my/complaints",
                             total=Complaint.search_count(domain) if has_access else 0,
                             page=page, step=self._items_per_page)
        complaints = Complaint.search(domain, limit=self._items_per_page,
                                      offset=pager["offset"]) if has_access else Complaint
        request.session["my_crm_vn_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "crm_vn_complaint",
            "complaints": complaints.sudo(),
            "pager": pager,
            "default_url": "/my/complaints",
        })
        return request.render("crm_vn_custom.portal_my_complaints", values)

    @route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_crm_vn_complaint_form(self, **kw):
        return request.render("crm_vn_custom.portal_complaint_new",
                              self._crm_vn_complaint_form_values(kw))

    @route("/my/complaints/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_crm_vn_complaint_file(self, subject="", description="", order_id="", **kw):
        """File a complaint (CSRF-checked form post, like every POST of an http route)."""
        subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
        order = self._crm_vn_orders().filtered(
            lambda o: str(o.id) == order_id) if order_id else request.env["sale.order"]
        errors = {}
        if not subject:
            errors["subject"] = request.env._("Tell us in a few words what went wrong.")
        if order_id and not order:
            errors["order_id"] = request.env._("This order is not one of yours.")
        if errors:
            values = self._crm_vn_complaint_form_values(
                {"subject": subject, "description": description, "order_id": order_id})
            values["errors"] = errors
            return request.render("crm_vn_custom.portal_complaint_new", values)
        complaint = request.env["crm.vn.complaint"]._crm_vn_portal_file(
            subject, description.strip(), order)
        return request.redirect(f"{complaint.access_url}?filed=1")

    def _crm_vn_orders(self):
        """The customer's confirmed orders, which a complaint may be about."""
        return request.env["sale.order"].sudo().search([
            ("partner_id", "child_of", [self._crm_vn_customer().id]),
            ("state", "=", "sale")], order="date_order desc", limit=50)

    def _crm_vn_complaint_form_values(self, form):
        values = self._prepare_portal_layout_values()
        customer = self._crm_vn_customer()
        values.update({
            "page_name": "crm_vn_complaint_new",
            "tier": customer.tier_id.sudo(),
            "orders": self._crm_vn_orders(),
            "form": form,
            "errors": {},
        })
        return values

    @route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_crm_vn_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint = self._document_check_access(
                "crm.vn.complaint", complaint_id, access_token=access_token)
        except (AccessError, MissingError):
            # Another customer's complaint does not exist as far as this one knows.
            raise NotFound() from None
        values = self._get_page_view_values(
            complaint, access_token, {
                "page_name": "crm_vn_complaint",
                "complaint": complaint,
                "filed": kw.get("filed"),
                "state_label": dict(complaint._fields["state"]._description_selection(
                    request.env)).get(complaint.state),
            }, "my_crm_vn_complaints_history", False, **kw)
        return request.render("crm_vn_custom.portal_my_complaint", values)
