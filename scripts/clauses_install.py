"""Clause-keyed statements of the installation use cases C.2.2.3, C.2.2.4, C.3.2.3 and IFA026 annex B key deletion: same form as scripts/clauses_src.py's S
(id, document, clause, applies_to, exact quote). Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
]
