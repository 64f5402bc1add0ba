"""The OAuth 2.0 authorization flows (SOL023 annex C with SOL013 8.3.3): the harness's own sequence of probes, each
step naming the table row or clause it exercises (annex C has no flow table of its own)."""

from __future__ import annotations

from harness.catalogue import SOL023
from harness.flow import FlowStep, UseCase

CERT_SCOPES = UseCase(
    "SOL023 C.2",
    "Authorization scope values for the Certificate Management interface",
    f"{SOL023} annex C.2, tables C.2-1 and C.2-2 (requests authorized as in SOL013 8.3.3)",
    (
        FlowStep("1", "VNFM", "Authorization server",
                 "The VNFM obtains access tokens by the client credentials grant (RFC 6749 4.4), with the scope "
                 "values of table C.2-1."),
        FlowStep("2", "VNFM", "CMF", "A request without an access token: 401 with WWW-Authenticate: Bearer."),
        FlowStep("3", "VNFM", "CMF", "Requests with an expired, a wrongly signed, a tampered and another audience's "
                                     "access token: 401."),
        FlowStep("4", "VNFM", "CMF", "A valid token without a scope that permits the resource: 403, nothing done."),
        FlowStep("5", "VNFM", "CMF",
                 "cert:<vn>:subject: \"Allows to read the 'Subject instances' resource, to create and delete its "
                 "child resources\" (GET, POST /subjects; GET, DELETE /subjects/{subjectId}), and nothing else."),
        FlowStep("6", "VNFM", "CMF",
                 "cert:<vn>:all: \"Allows to perform all methods on all resources of the Certificate Management "
                 "interface\" (subjects and the CMP resources)."),
    ),
    aliases=(("Authorization server", "Authorization server"),),
)

NOTIFY_SCOPES = UseCase(
    "SOL023 C.3",
    "Authorization scope values for the Certificate Notification interface; OAuth-authenticated notifications",
    f"{SOL023} annex C.3, tables C.3-1 and C.3-2 (SOL013 8.3.3); clause 7.6.2.2 authentication (SOL013 8.3.4)",
    (
        FlowStep("1", "VNFM", "CMF", "Requests to the subscription resources without a valid token (401) or without "
                                     "certnotify:<vn>:all (403, nothing subscribed)."),
        FlowStep("2", "VNFM", "CMF",
                 "certnotify:<vn>:all: \"Allows to perform all methods on all resources of the Certificate "
                 "Notification interface\" (GET, POST /subscriptions; GET, DELETE /subscriptions/{subscriptionId}), "
                 "and nothing of the Certificate Management interface."),
        FlowStep("3", "VNFM", "CMF", "A subscription with authentication.authType OAUTH2_CLIENT_CREDENTIALS and "
                                     "paramsOauth2ClientCredentials (clientId, clientPassword, tokenEndpoint)."),
        FlowStep("4", "CMF", "Authorization server", "The CMF obtains an access token from the tokenEndpoint with the "
                                                     "subscription's client credentials."),
        FlowStep("5", "CMF", "VNFM", "The CMF sends the notification with that token (Authorization: Bearer)."),
    ),
)
