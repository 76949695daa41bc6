from lxml import etree

from odoo import api, models
from odoo.exceptions import AccessError


class CrmVnProtectedDataMixin(models.AbstractModel):
    """Customer-data protection shared by customers and leads (phân quyền, bảo mật):

    - the fields in ``_crm_vn_sensitive_fields`` are refused by the server and left out
      of the screens for care staff (users who are Care Staff but not Team Leader);
      everybody else keeps Odoo's usual access;
    - exporting records needs the Care Manager level for anyone holding a Customer Care
      position, so staff cannot carry the customer base away;
    - changes of the fields in ``_crm_vn_owner_fields`` are written to the audit log.

    Odoo's field ``groups`` cannot express "hidden from this level but shown to the levels
    above it and to users outside the hierarchy", hence the explicit checks below."""

    _name = "crm.vn.protected.data.mixin"
    _description = "Customer Data Protection"

    _crm_vn_sensitive_fields = ()
    # What the company writes about a customer for itself: never read by portal users,
    # the customer included (the portal pages read what they show as the server).
    _crm_vn_internal_fields = ()
    _crm_vn_owner_fields = ("user_id",)

    def _crm_vn_audit_partner(self):
        """The customer an audit line about this record belongs to."""
        raise NotImplementedError

    @api.model
    def _crm_vn_hides_sensitive_fields(self):
        return not self.env.su and self.env.user._crm_vn_is_care_staff_only()

    @api.model
    def check_field_access_rights(self, operation, field_names):
        names = super().check_field_access_rights(operation, field_names)
        if self.env.user.share and not self.env.su:
            return self._crm_vn_check_portal_fields(names, field_names)
        sensitive = self._crm_vn_sensitive_fields
        if not sensitive:
            return names
        # Called at every read of a customer: the user's position is looked at only when
        # sensitive fields are asked for.
        if not field_names:
            if not self._crm_vn_hides_sensitive_fields():
                return names
            return [name for name in names if name not in sensitive]
        # Read-only figures such as revenue are written by the server only (the tier
        # engine, Odoo copying company fields to contacts): only reading them is refused.
        refused = [name for name in field_names if name in sensitive
                   and (operation == "read" or not self._fields[name].readonly)]
        if refused and self._crm_vn_hides_sensitive_fields():
            labels = ", ".join(self._fields[name]._description_string(self.env)
                               for name in refused)
            raise AccessError(self.env._(
                "Revenue and internal notes of customers are reserved to team leaders and "
                "managers. You cannot see or change: %(fields)s.", fields=labels))
        return names

    @api.model
    def _crm_vn_check_portal_fields(self, names, field_names):
        internal = set(self._crm_vn_sensitive_fields) | set(self._crm_vn_internal_fields)
        if not field_names:
            return [name for name in names if name not in internal]
        refused = internal.intersection(field_names)
        if refused:
            raise AccessError(self.env._(
                "This information is internal to the company: %(fields)s.",
                fields=", ".join(sorted(self._fields[name]._description_string(self.env)
                                        for name in refused))))
        return names

    def copy_data(self, default=None):
        # Duplicating one's own customer works; the copy just starts without the notes.
        if self._crm_vn_sensitive_fields and self._crm_vn_hides_sensitive_fields():
            default = dict(default or {})
            for name in self._crm_vn_sensitive_fields:
                if self._fields[name].copy:
                    default.setdefault(name, False)
        return super().copy_data(default)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # Keeps the sensitive fields out of custom filters, group-bys and the export list.
        result = super().fields_get(allfields, attributes)
        if self._crm_vn_sensitive_fields and self._crm_vn_hides_sensitive_fields():
            for name in self._crm_vn_sensitive_fields:
                result.pop(name, None)
        return result

    @api.model
    def _crm_vn_export_refused(self):
        user = self.env.user
        return (not self.env.su and user.has_group("crm_vn_custom.group_crm_vn_care_staff")
                and not user.has_group("crm_vn_custom.group_crm_vn_care_manager"))

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        result = super().get_view(view_id, view_type, **options)
        hide_sensitive = self._crm_vn_sensitive_fields and self._crm_vn_hides_sensitive_fields()
        hide_export = view_type == "list" and self._crm_vn_export_refused()
        if not (hide_sensitive or hide_export):
            return result
        arch = etree.fromstring(result["arch"])
        if hide_export:
            # export_xlsx hides Odoo's "Export All"; crm_vn_export the "Export" action.
            arch.set("export_xlsx", "0")
            arch.set("crm_vn_export", "0")
        if hide_sensitive:
            self._crm_vn_remove_sensitive_nodes(arch)
            models_fields = result.get("models", {})
            if self._name in models_fields:
                result["models"] = {**models_fields, self._name: tuple(
                    name for name in models_fields[self._name]
                    if name not in self._crm_vn_sensitive_fields)}
        result["arch"] = etree.tostring(arch, encoding="unicode")
        return result

    @api.model
    def _crm_vn_remove_sensitive_nodes(self, arch):
        for name in self._crm_vn_sensitive_fields:
            for node in arch.xpath("//field[@name=$name]", name=name):
                if self._crm_vn_node_model(node) != self._name:
                    continue
                parent = node.getparent()
                parent.remove(node)
                if parent.tag == "page" and not parent.xpath(".//field"):
                    parent.getparent().remove(parent)

    @api.model
    def _crm_vn_node_model(self, node):
        """The model a field node of this model's view belongs to: sub-views embedded in
        relational fields (a company's contacts, say) describe the field's comodel."""
        model = self
        for ancestor in reversed(list(node.iterancestors("field"))):
            field = model._fields.get(ancestor.get("name"))
            if field is None or not field.relational:
                return None
            model = self.env[field.comodel_name]
        return model._name

    def export_data(self, fields_to_export):
        if self._crm_vn_export_refused():
            raise AccessError(self.env._(
                "Exporting %(records)s is reserved to care managers: ask your manager for the "
                "list you need.", records=self._description))
        return super().export_data(fields_to_export)

    def write(self, vals):
        tracked = [name for name in self._crm_vn_owner_fields if name in vals]
        if tracked:
            self.env["crm.vn.audit.log"]._prepare_changes(self, tracked)
        return super().write(vals)
