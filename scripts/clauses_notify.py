"""Clause-keyed statements of the Certificate Notification interface (SOL023 clause 7, IFA033 11.4): same form as scripts/clauses_src.py's S
(id, document, clause, applies_to, exact quote). Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
]
