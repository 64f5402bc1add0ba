"""Named faults of the reference CMF's OAuth 2.0 authorization (SOL023 annex C scopes, SOL013 8.3.3) and of its
OAuth-authenticated notifications (SOL023 7.6.2.2, SOL013 8.3.4). Each run is scoped to the OAuth scenarios."""

from __future__ import annotations

from wire.faults import Fault, scoped

ONLY = "SOL023-C."  # SOL023-C.2[oauth2], SOL023-C.3[oauth2]
C2, C3 = "SOL023:C.2:authorize", "SOL023:C.3:authorize"

FAULTS: tuple[Fault, ...] = scoped((
    Fault("accepts-expired-token", (C2, C3), "Accepts an access token whose exp has passed."),
    Fault("accepts-any-signature", (C2,),
          "Reads the access token's claims without verifying its signature (a token signed with any key, or with "
          "its claims altered after signing, is accepted)."),
    Fault("ignores-audience", (C2,), "Accepts an access token issued for another audience (aud not this CMF)."),
    Fault("no-www-authenticate", (C2, C3), "Answers a request without an access token 401 without the "
                                           "WWW-Authenticate: Bearer challenge."),
    Fault("403-where-401", (C2, C3), "Answers a request without an access token with 403 instead of 401."),
    Fault("401-where-403", (C2, "SOL023:C.2:subject-scope", C3, "SOL023:C.3:notify-scope"),
          "Answers a valid access token without the needed scope with 401 instead of 403."),
    Fault("ignore-scope", (C2, "SOL023:C.2:subject-scope", C3, "SOL023:C.3:notify-scope"),
          "Lets any valid access token do anything: the scope claim is not looked at."),
    Fault("refused-post-registers", (C2, C3,
                                     # the stored registration/subscription then breaks the permitted flows:
                                     "SOL023:C.2:subject-scope", "SOL023:C.3:notify-scope"),
          "Refuses a POST whose token lacks the scope with 403, but carries it out first (the registration or "
          "subscription exists afterwards)."),
    Fault("subject-scope-too-wide", ("SOL023:C.2:subject-scope",),
          "Lets cert:<vn>:subject use the CMP resources (p10cr, rr), which only cert:<vn>:all permits."),
    Fault("subject-scope-no-delete", ("SOL023:C.2:subject-scope",),
          "Refuses DELETE on an Individual Subject to cert:<vn>:subject (table C.2-2 permits GET and DELETE)."),
    Fault("all-scope-subjects-only", ("SOL023:C.2:all-scope",),
          "Refuses the CMP resources to cert:<vn>:all (it permits only what cert:<vn>:subject does)."),
    Fault("notify-scope-covers-subjects", ("SOL023:C.3:notify-scope", C2),
          "Lets certnotify:<vn>:all use the Certificate Management interface's subject resources."),
    Fault("notify-without-token", ("SOL023:7.6.2.2:oauth2-notify",),
          "Sends the notifications of an OAUTH2_CLIENT_CREDENTIALS subscription without an access token."),
    Fault("notify-self-signed-token", ("SOL023:7.6.2.2:oauth2-notify",),
          "Presents a JWT of its own making with the notifications instead of obtaining one from the "
          "subscription's tokenEndpoint."),
), ONLY)
