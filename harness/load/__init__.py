"""`nfvct load`: thousands of simulated VNFCIs against a CMF on Locust, every answer checked, a load report.

workloads.py (the data), operations.py + verify.py (one VNFCI's exchanges and their judgement, no Locust),
users.py + engine.py (the Locust processes: gevent stays there), actors.py + run.py + judge.py (the orchestration,
the harness actors and the run-level checks, outside Locust), report.py (load.json, load.html).
"""
