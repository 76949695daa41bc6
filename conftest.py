"""pytest-odoo runs the suite; Odoo warns whenever its test framework is imported outside
``--test-enable``, which pytest-odoo must avoid (it would run every module's tests while
loading the registry). That warning says nothing about our tests, so it is filtered."""

import logging


class _ImportWarningFilter(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_ImportWarningFilter())
