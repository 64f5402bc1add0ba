"""OAuth 2.0 vocabulary of the CMF's REST interfaces, shared by the reference CMF and the harness: the SOL023
annex C authorization scope values (built as SOL013 8.3.7 defines them) and which scopes permit which resource
and method (tables C.2-2 and C.3-2), plus the RFC 9068 / RFC 7662 names both sides use.

Table C.2-2 writes the resources as ``/nfv-cert/{name}/subject`` and ``/subject/{subjectId}``; the resources of
clause 5.6 are ``{apiRoot}/nfv-cert/{apiMajorVersion}/subjects[/{subjectId}]``, which is what is meant here.
``cert:<vn>:all`` covers "all methods on all resources of the Certificate Management interface" (table C.2-1),
which per table 5.4-1 includes the CMP resources (``pkcs10``, ``revocation``); ``cert:<vn>:subject`` does not.
``certnotify:<vn>:all`` covers the subscription resources of clause 7 and nothing of clause 5."""

from __future__ import annotations

from dataclasses import dataclass

ACCESS_TOKEN_TYP = "at+jwt"  # RFC 9068 2.1
CLIENT_CREDENTIALS = "client_credentials"  # RFC 6749 4.4
AUTH_TYPE_OAUTH2 = "OAUTH2_CLIENT_CREDENTIALS"  # SOL013 8.3.4 SubscriptionAuthentication.authType
SIGNING_ALG = "ES256"

# resource kinds of the two interfaces (what a request path is, for authorization)
SUBJECTS, SUBJECT, CMP, SUBSCRIPTIONS, SUBSCRIPTION = "subjects", "subject", "cmp", "subscriptions", "subscription"


@dataclass(frozen=True)
class Scopes:
    """The annex C scope values for one API major version ``vn`` (SOL023 5.6.2 / 7.2: "v1")."""

    vn: str = "v1"

    @property
    def subject(self) -> str:
        return f"cert:{self.vn}:subject"

    @property
    def cert_all(self) -> str:
        return f"cert:{self.vn}:all"

    @property
    def notify_all(self) -> str:
        return f"certnotify:{self.vn}:all"

    def permitting(self, kind: str, method: str) -> frozenset[str]:
        """The scope values any one of which permits ``method`` on a resource of ``kind`` (tables C.2-2, C.3-2;
        a method the resource does not support is still the interface's: the ``all`` scopes let it through, and
        the resource answers 405)."""
        method = method.upper()
        if kind == SUBJECTS:
            return frozenset({self.subject, self.cert_all} if method in ("GET", "POST") else {self.cert_all})
        if kind == SUBJECT:
            return frozenset({self.subject, self.cert_all} if method in ("GET", "DELETE") else {self.cert_all})
        if kind == CMP:
            return frozenset({self.cert_all})
        if kind in (SUBSCRIPTIONS, SUBSCRIPTION):
            return frozenset({self.notify_all})
        raise ValueError(f"unknown resource kind {kind!r}")


def scope_set(scope: object) -> frozenset[str]:
    """RFC 6749 3.3: a space-delimited list (RFC 9068 2.2.3 claim ``scope``)."""
    return frozenset(scope.split()) if isinstance(scope, str) else frozenset()
