"""Named faults of the Certificate Notification interface (SOL023 clause 7) of the reference CMF."""

from __future__ import annotations

from wire.faults import Fault, scoped

ONLY = "SOL023-7.3"  # the Certificate Notification scenarios: no other scenario subscribes


_M405 = ("SOL023:7.5.3.3.3:put-405", "SOL023:7.5.3.3.4:patch-405", "SOL023:7.5.3.3.5:delete-405",
         "SOL023:7.5.4.3.1:post-405", "SOL023:7.5.4.3.3:put-405", "SOL023:7.5.4.3.4:patch-405")

FAULTS: tuple[Fault, ...] = scoped((
    Fault("cns-no-api-versions", ("SOL023:7.2:version",), "Serves no {apiRoot}/certnotify/v1/api_versions resource."),
    Fault("cns-no-endpoint-test", ("SOL023:7.3.1:endpoint-test",
                                   # it cannot notice a failing endpoint either:
                                   "SOL023:7.5.3.3.1:endpoint-422", "SOL023:7.3.1:reject-invalid"),
          "Creates subscriptions without testing the notification endpoint (no GET)."),
    Fault("cns-ignore-endpoint-test", ("SOL023:7.5.3.3.1:endpoint-422", "SOL023:7.3.1:reject-invalid"),
          "Tests the notification endpoint but creates the subscription (201) although the test failed."),
    Fault("cns-accept-malformed", ("SOL023:7.3.1:reject-invalid",),
          "Accepts a CertificateSubscriptionRequest without callbackUri or authentication."),
    Fault("cns-callback-idna-500", ("SOL023:7.3.1:reject-invalid",),
          "Answers a subscription whose callbackUri host is not a valid IDNA name with HTTP 500 instead of 400 "
          "(found by mutation testing, docs/mutation-triage.md)."),
    Fault("cns-portless-callback-500", ("SOL023:7.5.3.3.1:endpoint-422", "SOL023:7.3.1:reject-invalid"),
          "Answers a subscription whose callbackUri has no explicit port with HTTP 500 (its port test does not "
          "allow for None) instead of testing the endpoint (found by mutation testing)."),
    Fault("cns-no-location", ("SOL023:7.5.3.3.1:created", "CMF.CNS.001", "Cm-Vnfm.003"),
          "201 Created on a new subscription without the Location header."),
    Fault("cns-duplicate-201", ("SOL023:7.5.3.3.1:duplicate",),
          "Creates a duplicate subscription (201) although its policy (PICS) is 303 See Other."),
    Fault("cns-list-all-owners", ("SOL023:7.5.3.3.2:ok",),
          "GET subscriptions lists the subscriptions of every consumer, not only the caller's."),
    Fault("cns-list-ignores-filter", ("SOL023:7.5.3.3.2:filter",), "GET subscriptions ignores the filter parameter."),
    Fault("cns-accept-bad-filter", ("SOL023:7.5.3.3.2:bad-filter",),
          "Answers 200 to an invalid filter expression on GET subscriptions."),
    Fault("cns-read-no-links", ("SOL023:7.5.4.3.2:ok",),
          "GET on an Individual subscription returns a representation without _links.self."),
    Fault("cns-delete-keeps-resource", ("SOL023:7.5.4.3.5:deleted", "SOL023:7.5.4.3.5:no-notifications"),
          "Answers DELETE with 204 but keeps the subscription (and keeps notifying it)."),
    Fault("cns-delete-keeps-notifying", ("SOL023:7.5.4.3.5:no-notifications",),
          "Deletes the subscription resource but keeps sending its notifications."),
    Fault("cns-methods-allowed", _M405, "Answers unsupported methods on the subscription resources with 200/204."),
    Fault("cns-filter-or", ("SOL023:7.6.2.2:filter", "IFA033:11.4.2.4:filter"),
          "Matches a notification filter with several attributes when any one of them matches (OR), not all."),
    Fault("cns-405-no-allow", _M405, "Answers unsupported methods on the subscription resources with 405 but no "
                                     "Allow header (RFC 9110 15.5.6)."),
    Fault("cns-no-notify-issue", ("SOL023:7.3.2:notify",), "Sends no notification when a certificate is issued."),
    Fault("cns-no-notify-revoke", ("SOL023:7.3.2:notify",), "Sends no notification when a certificate is revoked."),
    Fault("cns-wrong-notification-type", ("SOL023:7.6.2.4:type", "SOL023:7.5.5.3.1:body"),
          'Sends notificationType "CertificateStateNotification".'),
    Fault("cns-wrong-subscription-id", ("SOL023:7.6.2.4:subscription-id",
                                        # _links.subscription then no longer points to the subscriptionId:
                                        "SOL023:7.6.2.4:links"),
          "Puts a random value in the notifications' subscriptionId."),
    Fault("cns-notification-no-links", ("SOL023:7.6.2.4:links",), "Sends notifications without _links."),
    Fault("cns-ignore-filter", ("SOL023:7.6.2.2:filter", "IFA033:11.4.2.4:filter"),
          "Notifies every subscription of every event, whatever its filter."),
    Fault("cns-filter-needs-type", ("SOL023:7.6.2.2:filter", "IFA033:11.4.2.4:filter"),
          "Ignores a filter's certificationType (every type matches) and fails on every certificate event while a "
          "subscription's filter has no certificationType (found by mutation testing: notifier.py:359868fd)."),
    Fault("cns-ignore-verbosity", ("SOL023:7.6.2.2:verbosity",),
          "Sends FULL notifications to SHORT subscriptions."),
    Fault("cns-no-expiry-notifications", ("SOL023:7.3.2:notify", "IFA033:11.4.2.2:states"),
          "Sends no expiring-soon or expired notifications."),
), ONLY)
