"""pytest-odoo runs the suite; Odoo warns whenever its test framework is imported outside
``--test-enable``, which pytest-odoo must avoid (it would run every module's tests while
loading the registry). That warning says nothing about our tests, so it is filtered."""

import logging


class _ImportWarningFilter(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_ImportWarningFilter())


# No test may be skipped: Odoo skips browser tests when Chromium is missing or does not
# start, which would let the tours silently not run.
_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _skipped:
        print("\nerror: tests were skipped, which this suite does not allow"
              " (browser tours need Chromium: apt-get install chromium):")
        for line in _skipped:
            print(f"  {line}")
        session.exitstatus = 1
