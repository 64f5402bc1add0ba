"""Clause-keyed statements of OAuth 2.0 on the CMF's REST interfaces (SOL023 annex C, which applies SOL013 8.3.3
and 8.3.7; and 7.6.2.2 authentication, SOL013 8.3.4): same form as scripts/clauses_src.py's S (id, document,
clause, applies_to, exact quote). Regenerate: python scripts/clauses_src.py > harness/data/clauses.json"""

C2 = ('The CMF shall support the authorization scope values specified in table C.2-1 and may support additional '
      'authorization scope values, when authorizing an API request from an API consumer as specified in clause '
      '8.3.3 of ETSI GS NFV-SOL 013 [4].')
C3 = ('The CMF shall support the authorization scope values specified in table C.3-1 and may support additional '
      'authorization scope values, when authorizing an API request from an API consumer as specified in clause '
      '8.3.3 in ETSI GS NFV-SOL 013 [4].')

S = [
    ("SOL023:C.2:authorize", "SOL023", "C.2", "CMF", C2),
    ("SOL023:C.2:subject-scope", "SOL023", "C.2", "CMF",
     'Allows to read the "Subject instances" resource, to create and delete its child resources. This permission '
     'allows to create an "Individual Subject instance" resource as indicated in clause 5.3.1, delete an '
     '"Individual Subject instance" resource as indicated in clause 5.3.2, and query/read information in an '
     '"Individual Subject instance" resource as indicated in clause 5.3.6.'),
    ("SOL023:C.2:all-scope", "SOL023", "C.2", "CMF",
     'Allows to perform all methods on all resources of the Certificate Management interface.'),
    ("SOL023:C.3:authorize", "SOL023", "C.3", "CMF", C3),
    ("SOL023:C.3:notify-scope", "SOL023", "C.3", "CMF",
     'Allows to perform all methods on all resources of the Certificate Notification interface. This permission '
     'allows managing subscriptions as indicated in clause 7.3.1.'),
    ("SOL023:7.6.2.2:oauth2-notify", "SOL023", "7.6.2.2", "CMF",
     'Authentication parameters to configure the use of Authorization when sending notifications corresponding to '
     'this subscription, as defined in clause 8.3.4 of ETSI GS NFV-SOL 013 [4].'),
]
