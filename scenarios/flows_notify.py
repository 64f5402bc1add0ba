"""SOL023 clause 7 flows (Certificate Notification interface), steps quoted from clauses 7.3.1 and 7.3.2."""

from __future__ import annotations

from harness.catalogue import SOL023
from harness.flow import FlowStep, UseCase

MANAGE_SUBSCRIPTIONS = UseCase(
    "SOL023 7.3.1",
    "Flow of managing subscriptions",
    f"{SOL023} clause 7.3.1, figure 7.3.1-1",
    (
        FlowStep("1", "VNFM", "CMF",
                 "The VNFM sends a POST request to the \"Subscriptions\" resource including in the message content a "
                 "data structure of type \"CertificateSubscriptionRequest\". That data structure contains filtering "
                 "criteria and a callback URI to which the CMF subsequently sends notifications about events that "
                 "match the filter."),
        FlowStep("2", "CMF", "VNFM",
                 "To test the notification endpoint that has been registered by the VNFM as part of the "
                 "subscription, the CMF sends a GET request to the notification endpoint URI."),
        FlowStep("3", "VNFM", "CMF", "The VNFM returns a \"204 No Content\" response to indicate success."),
        FlowStep("4", "CMF", "CMF",
                 "The CMF creates a new subscription to notifications related to Certificate changes, and an "
                 "\"Individual subscription\" resource that represents this subscription."),
        FlowStep("5", "CMF", "VNFM",
                 "The CMF returns a 201 Created response containing a data structure of type "
                 "\"CertificateSubscription\" representing the \"Individual subscription\" resource just created by "
                 "the CMF and provides the URI of the newly-created resource in the \"Location\" HTTP header."),
        FlowStep("6", "VNFM", "CMF",
                 "If desired, e.g. to recover from an error situation, the VNFM can query information about its "
                 "subscriptions by sending a GET request to the resource representing the subscriptions."),
        FlowStep("7", "CMF", "VNFM",
                 "In that case, the CMF returns a \"200 OK\" response that contains zero or more representations of "
                 "all existing subscriptions that were created by the VNFM."),
        FlowStep("8", "VNFM", "CMF",
                 "If desired, e.g. to recover from an error situation, the VNFM can read information about a "
                 "particular subscription by sending a GET request to the resource representing that individual "
                 "subscription."),
        FlowStep("9", "CMF", "VNFM",
                 "In that case, the CMF returns a \"200 OK\" response that contains a representation of that "
                 "individual subscription."),
        FlowStep("10", "VNFM", "CMF",
                 "If the VNFM does not need the subscription anymore, it terminates the subscription by sending a "
                 "DELETE request to the resource that represents the individual subscription to remove."),
        FlowStep("11", "CMF", "VNFM",
                 "The CMF acknowledges the successful termination of the subscription by returning a \"204 No "
                 "Content\" response."),
    ),
)

SEND_NOTIFICATIONS = UseCase(
    "SOL023 7.3.2",
    "Flow of sending notifications",
    f"{SOL023} clause 7.3.2, figure 7.3.2-1",
    (
        FlowStep("1", "CMF", "VNFM",
                 "If an event occurs that matches the filtering criteria which are part of the subscription, the CMF "
                 "generates a notification that includes information about the event and sends it in the body of a "
                 "POST request to the URI which the VNFM has registered as part of the subscription request. The "
                 "variable <<Notification>> in the flow is a placeholder for the different types of notifications "
                 "that can be sent by this API (see clause 7.6.2.4)."),
        FlowStep("2", "VNFM", "CMF",
                 "The VNFM acknowledges the successful delivery of the notification by returning a \"204 No Content\" "
                 "response."),
    ),
)
