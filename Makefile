# The two commands of the README. Both do all set-up first (scripts/setup.sh is idempotent).
OUT ?= out/report
SM_OUT ?= out/sm-report

.PHONY: report test setup fuzz
setup:
	@bash scripts/setup.sh

report: setup
	.venv/bin/nfvct run --out $(OUT)
	.venv/bin/nfvct run --role sm --out $(SM_OUT)

test: setup
	.venv/bin/python -m pytest -q -n 3 --dist loadgroup

# issue 18 item 7: the long fuzz mode (10,000 REST/SM and 10,000 JWS cases; the case counts are printed)
fuzz: setup
	NFVCT_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q -s -p no:xdist tests/test_fuzz_rest.py tests/test_fuzz_acme.py
