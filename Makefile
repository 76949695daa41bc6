# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PYTHON ?= python3
DEV = $(PYTHON) tools/dev.py

.PHONY: demo stop test test-load screenshots access-table test-core lint pot status bench

demo:  ## a running Vietnamese demo on http://localhost:8069
	@$(DEV) demo

stop:  ## stop Odoo and the embedded PostgreSQL
	@$(DEV) stop

test:  ## lint, fresh install, the test suite, upgrade and uninstall checks
	@$(DEV) test $(TESTS)

test-load:  ## the points ledger at length, several workers, a read replica (not part of CI)
	@$(DEV) test-load

access-table:  ## write the access matrix of the tests into the README
	@$(DEV) access-table

screenshots:  ## retake the README's screenshots (make test never writes them)
	@$(DEV) screenshots

lint:
	@$(DEV) test --lint-only

test-core:  ## Odoo's own tests of the extended apps, bare vs with the addon (long)
	@$(DEV) core-tests

pot:  ## regenerate i18n/crm_vn_custom.pot from the test database
	@$(DEV) pot

status:
	@$(DEV) status

bench:  ## figures at scale: make bench ARGS="--customers 20000 --lines 200000 --grow"
	@$(PYTHON) bench/run.py $(ARGS)
