from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    """The addon's views and front-end patches load in the browser without an error."""

    def test_backend_loads_in_vietnamese_without_errors(self):
        self.env.ref("base.user_admin").lang = "vi_VN"
        # browser_js fails on any console error, e.g. a template extending a missing parent.
        self.browser_js(
            "/odoo/contacts",
            "console.log('test successful')",
            "odoo.isReady === true && !!document.querySelector('.o_kanban_view, .o_list_view')",
            login="admin",
        )
