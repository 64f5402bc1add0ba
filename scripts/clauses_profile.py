"""Clause-keyed statements of the C.6 certificate profile (IFA026 annex C.6, table C.6-1): same form as scripts/clauses_src.py's S
(id, document, clause, applies_to, exact quote). Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
]
