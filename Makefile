# The two commands of the README. Both do all set-up first (scripts/setup.sh is idempotent).
OUT ?= out/report
SM_OUT ?= out/sm-report

.PHONY: report test setup
setup:
	@bash scripts/setup.sh

report: setup
	.venv/bin/nfvct run --out $(OUT)
	.venv/bin/nfvct run --role sm --out $(SM_OUT)

test: setup
	.venv/bin/python -m pytest -q -n 3 --dist loadgroup
