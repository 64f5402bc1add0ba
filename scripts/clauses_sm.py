"""Clause-keyed statements of the Security Manager modes and hierarchy (IFA026 5.1.2, 5.1.3): same form as
scripts/clauses_src.py's S. Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

S = [
    ("IFA026:5.1.2:passive", "IFA026", "5.1.2", "SM",
     "Passive: SM is able to subscribe to applicable lifecycle management events passed to it by NFV-MANO but the SM does not take any active part in the lifecycle management of the VNFs."),
    ("IFA026:5.1.2:fully-active", "IFA026", "5.1.2", "SM",
     "Fully-Active: NFV-MANO passes applicable VNF lifecycle events to the SM and requests approval from the SM. The SM authorizes, modifies with security policy, or rejects NFV-MANO requests. The SM is also able to instruct NFV-MANO to take security mitigation actions (e.g. immediately terminate a VNF instance)."),
    ("IFA026:5.1.3:master", "IFA026", "5.1.3", "SM",
     "The present document assumes that where more than one SM exist in an NFV implementation, one SM will act as a master SM such that is able to instruct NFV-MANO to immediately terminate any VNF belonging to any sub SM trust domain or over-rule the actions of a sub SM."),
]
