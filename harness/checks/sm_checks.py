"""Security Manager checks (IFA026 5.1.2, 5.1.3, annex A; IFA033 clause 5), judged from what the SM sent to the
harness's NFVO and VIM (``simulators.sm``) and how it answered approval requests.

Facts: ``requests`` are ``simulators.sm.common.SmRequest`` records; ``vnf`` the inventory VNF the stimulus was
about. Only the SM's side of each requirement is judged: what NFV-MANO must do (refuse, wait, inform the OSS/BSS)
is the simulator's behaviour, shown in the step notes, never a verdict on the SM."""

from __future__ import annotations

from typing import Any

from harness.checks.registry import Observation, Result, check, failed, inconclusive, passed, verdict_of
from harness.plaintext import plain

SEMI_OPTIONS = ("replacementAllowed", "snapshot")  # Sc-Or.SecEnforce.002
SEMI_EXTRA = ("otherRecoveryAllowed",)  # R2.1.260, third bullet
FULLY_OPTIONS = ("replacementAllowed", "snapshot", "disablePackage", "terminateCoHosted", "eraseSecureStorage")
FULLY_EXTRA = ("quarantineHost", "otherRecoveryAllowed")  # R2.1.270 bullets beyond SecEnforce.003
MODIFYING = {("POST", "update"), ("PATCH", "vnf_packages"), ("POST", "host_terminations"),
             ("POST", "package_confirmations")}


def modifying(requests: list[Any]) -> list[Any]:
    """Requests that take part in the VNF lifecycle (instructions, policy, confirmations), not queries."""
    return [r for r in requests if r.producer == "NFVO" and any(
        r.method == m and (r.path.endswith("/" + p) or f"/{p}/" in r.path) for m, p in MODIFYING)]


def updates(requests: list[Any], kind: str) -> list[Any]:
    return [r for r in requests if r.method == "POST" and r.path.endswith("/update")
            and isinstance(r.body, dict) and r.body.get("updateType") == kind]


def show(r: Any) -> str:
    return f"{r.method} {r.path} on the {r.binding} set -> {r.status}: {plain(r.body, 300) if r.body is not None else 'no body'}"


def _options(r: Any, names: tuple[str, ...]) -> list[str]:
    directives = r.body.get("nfvctSecurityDirectives") if isinstance(r.body, dict) else None
    directives = directives if isinstance(directives, dict) else {}
    return [n for n in names if not isinstance(directives.get(n), bool)]


@check("sm-subscribes", "IFA026:5.1.2:passive",
       scope="the SM subscribes to NS LCM notifications on its interface set (Sc-Or.NsLcm Subscribe, SOL005)")
def sm_subscribes(obs: Observation) -> Result:
    """The SM subscribes to the lifecycle management events NFV-MANO passes to it."""
    subs, attempts = obs.facts["subscriptions"], obs.facts["attempts"]
    expected = "a subscription to NsLcmOperationOccurrenceNotification on the passive interface set"
    observed = (f"{len(subs)} subscription(s): {', '.join(s.callback for s in subs)}" if subs else
                f"no subscription; {len(attempts)} attempt(s): " + "; ".join(show(a) for a in attempts))
    return verdict_of(bool(subs), expected, observed)


@check("sm-passive-no-action", "IFA026:5.1.2:passive",
       scope="what the passive SM sent during the scenario (NFV-MANO's refusal, R2.1.20, is the simulator's)")
def sm_passive_no_action(obs: Observation) -> Result:
    """A passive SM takes no active part in VNF lifecycle management: no Update NS, no package change, no host
    termination, no confirmation, whatever events and alarms it receives."""
    if not obs.facts["delivered"]:
        return inconclusive("no event or alarm reached the SM: nothing to stay passive about")
    acts = modifying(obs.facts["requests"])
    return verdict_of(not acts, "no lifecycle request from the passive SM after the events and the alarm",
                      "; ".join(show(r) for r in acts) or
                      f"{len(obs.facts['requests'])} request(s), queries only; stimuli delivered: "
                      f"{', '.join(obs.facts['delivered'])}")


@check("sm-package-integrity", "R2.1.250",
       scope="semi-active SM: its own verification, confirmed per VNF (harness binding nfvct-secenforce/1)")
def sm_package_integrity(obs: Observation) -> Result:
    """The SM verifies the package integrity and confirms it to NFV-MANO: CONFIRMED for the genuine package, FAILED
    for the package whose content no longer matches its checksum although NFV-MANO's own check says PASS."""
    got = obs.facts["confirmations"]  # vnf id -> result
    want = obs.facts["expected"]
    wrong = [f"{v}: {got.get(v, 'no confirmation')} (expected {w})" for v, w in want.items() if got.get(v) != w]
    return verdict_of(not wrong, "; ".join(f"{v}: {w}" for v, w in want.items()),
                      "; ".join(wrong) or "; ".join(f"{v}: {r}" for v, r in got.items()))


def _policy_modify(r: Any, vnf_id: str) -> bool:
    for item in r.body.get("modifyVnfInfoData") or []:
        props = item.get("vnfConfigurableProperties") if isinstance(item, dict) else None
        if item.get("vnfInstanceId") == vnf_id and isinstance(props, dict) and props.get("securityPolicy"):
            return True
    return False


@check("sm-semi-policy", "R2.1.30", "R2.1.310",
       scope="semi-active SM; policy delivered as Update NS MODIFY_VNF_INFORMATION (content out of scope, note 2)")
def sm_semi_policy(obs: Observation) -> Result:
    """For a VNF that requires security policy management the semi-active SM provides NFV-MANO with the policy."""
    vnf_id, mods = obs.facts["vnf"].id, updates(obs.facts["requests"], "MODIFY_VNF_INFORMATION")
    ok = [r for r in mods if _policy_modify(r, vnf_id)]
    return verdict_of(bool(ok), f"Update NS MODIFY_VNF_INFORMATION with a securityPolicy for VNF {vnf_id}",
                      show(ok[0]) if ok else ("; ".join(show(r) for r in mods) or "no policy from the SM"))


@check("sm-semi-terminate", "Sc-Or.SecEnforce.002", "R2.1.260",
       scope="semi-active SM: the termination request and its options (nfvctSecurityDirectives, harness binding)")
def sm_semi_terminate(obs: Observation) -> Result:
    """On a compromised VNF the semi-active SM requests its termination (Update NS REMOVE_VNF) saying whether a
    replacement may be created, whether a snapshot is wanted, and whether other recovery may be performed."""
    removes = updates(obs.facts["requests"], "REMOVE_VNF")
    if not removes:
        return failed("Update NS REMOVE_VNF for the VNF under the integrity alarm", "no termination request")
    missing = _options(removes[0], SEMI_OPTIONS + SEMI_EXTRA)
    snapshots = updates(obs.facts["requests"], "CREATE_VNF_SNAPSHOT")
    if snapshots and "snapshot" in missing:  # IFA033 6.4 note 1: a snapshot may be its own Update NS
        missing.remove("snapshot")
    return verdict_of(not missing, "REMOVE_VNF with " + ", ".join(SEMI_OPTIONS + SEMI_EXTRA) + " stated",
                      show(removes[0]) + (f"; not stated: {', '.join(missing)}" if missing else ""))


@check("sm-terminate-list", "R2.1.280",
       scope="the VNF instances named in the SM's REMOVE_VNF request")
def sm_terminate_list(obs: Observation) -> Result:
    """The SM gives NFV-MANO the list of VNF instances to terminate, by NFV-MANO's VNF instance identifiers."""
    removes, vnf = updates(obs.facts["requests"], "REMOVE_VNF"), obs.facts["vnf"]
    if not removes:
        return inconclusive("no termination request to judge (see the termination check)")
    ids = removes[0].body.get("removeVnfInstanceId")
    ok = isinstance(ids, list) and vnf.id in ids
    hint = " (the OSS/BSS application ID, not NFV-MANO's)" if isinstance(ids, list) and vnf.requestor_ref in ids else ""
    return verdict_of(ok, f"removeVnfInstanceId: a list containing {vnf.id}", f"removeVnfInstanceId: {plain(ids)}{hint}")


def _answer(obs: Observation, key: str) -> Any:
    approvals = obs.facts[key]
    return approvals[0].answer if approvals else None


@check("sm-approval-answered", "IFA026:5.1.2:fully-active", "R2.1.40",
       scope="fully-active SM: answers within the deadline (harness binding nfvct-sm-approval/1 or the adapter)")
def sm_approval_answered(obs: Observation) -> Result:
    """Asked for approval of a lifecycle request that its policy has nothing against (package verifies, no policy
    needed), the fully-active SM answers in time and positively confirms permission."""
    answer = _answer(obs, "clean")
    if answer is None:
        return inconclusive("NFV-MANO did not ask (no fully-active interface set for the domain)")
    expected = f"GRANT (or MODIFY) within pixit.sm.approval_seconds ({obs.facts['deadline']} s)"
    if answer.decision in ("GRANT", "MODIFY"):
        return passed(expected, f"{answer.decision} after {answer.seconds:.2f} s")
    if answer.decision == "REJECT":
        return inconclusive("the SM rejected a VNF the harness expected it to permit; its policy may differ",
                            expected, plain(answer.body, 300))
    return failed(expected, f"no decision: HTTP {answer.status} {answer.error or plain(answer.body, 200)} after "
                            f"{answer.seconds:.2f} s; NFV-MANO did not proceed")


@check("sm-approval-modify", "IFA026:5.1.2:fully-active", "R2.1.310",
       scope="fully-active SM: the approval of a VNF that requires security policy management")
def sm_approval_modify(obs: Observation) -> Result:
    """For a VNF that requires security policy management the fully-active SM modifies the request with its
    security policy (decision MODIFY with a securityPolicy)."""
    answer = _answer(obs, "policy")
    if answer is None or not answer.decision:
        return inconclusive("no decision to judge (see the approval-answered check)")
    ok = answer.decision == "MODIFY" and isinstance(answer.body.get("securityPolicy"), dict) and bool(
        answer.body["securityPolicy"])
    return verdict_of(ok, "MODIFY with a non-empty securityPolicy", plain(answer.body, 300))


@check("sm-approval-reject", "IFA026:5.1.2:fully-active", "R2.1.250",
       scope="fully-active SM: the approval of a VNF whose package content does not match its checksum")
def sm_approval_reject(obs: Observation) -> Result:
    """The fully-active SM verifies the package itself and rejects the instantiation of a tampered package, which
    NFV-MANO's own check reported as PASS."""
    answer = _answer(obs, "tampered")
    if answer is None or not answer.decision:
        return inconclusive("no decision to judge (see the approval-answered check)")
    why = obs.facts.get("why", "a package whose content does not match its checksum")
    return verdict_of(answer.decision == "REJECT", f"REJECT (packageIntegrity FAILED) for {why}",
                      plain(answer.body, 300))


@check("sm-fully-instruct", "Sc-Or.SecEnforce.003", "R2.1.270",
       scope="fully-active SM: the termination instruction and its options (nfvctSecurityDirectives)")
def sm_fully_instruct(obs: Observation) -> Result:
    """On a compromised VNF the fully-active SM instructs immediate termination, stating replacement, snapshot,
    package/VNFD disabling, termination of co-hosted VNFs, erasure of HMEE/HSM storage, host quarantine and other
    recovery."""
    removes = updates(obs.facts["requests"], "REMOVE_VNF")
    if not removes:
        return failed("an immediate REMOVE_VNF instruction", "no termination instruction")
    r = removes[0]
    missing = _options(r, FULLY_OPTIONS + FULLY_EXTRA)
    immediate = (r.body.get("nfvctSecurityDirectives") or {}).get("immediate") is True
    problems = ([f"not stated: {', '.join(missing)}"] if missing else []) + ([] if immediate else ["not immediate"])
    return verdict_of(not problems, "REMOVE_VNF, immediate, with " + ", ".join(FULLY_OPTIONS + FULLY_EXTRA),
                      show(r) + ("; " + "; ".join(problems) if problems else ""))


@check("sm-package-disabled", "Sc-Or.SecEnforce.003", "R2.1.270",
       scope="fully-active SM: Update VNF Package Info (IFA033 6.4 note 3) for the compromised VNF's package")
def sm_package_disabled(obs: Observation) -> Result:
    """Where the SM wants the VNF package and VNFD not reused, it disables the package with Update VNF Package
    Info (operationalState DISABLED)."""
    pkg = obs.facts["vnf"].package.id
    removes = updates(obs.facts["requests"], "REMOVE_VNF")
    wants = (removes[0].body.get("nfvctSecurityDirectives") or {}).get("disablePackage") if removes else None
    patches = [r for r in obs.facts["requests"] if r.method == "PATCH" and r.path.endswith(f"/vnf_packages/{pkg}")
               and isinstance(r.body, dict) and r.body.get("operationalState") == "DISABLED"]
    if wants is False and not patches:
        return inconclusive("the SM chose to keep the package in use (disablePackage false)")
    return verdict_of(bool(patches), f"PATCH vnf_packages/{pkg} operationalState DISABLED",
                      show(patches[0]) if patches else "no Update VNF Package Info")


def _host(obs: Observation, *, immediate: bool) -> Result:
    hits = [r for r in obs.facts["requests"] if r.path.endswith("/host_terminations")]
    if not hits:
        return failed("a host termination request", "none")
    body = hits[0].body if isinstance(hits[0].body, dict) else {}
    problems = []
    if body.get("vnfDisposition") not in ("MIGRATE", "TERMINATE"):
        problems.append("vnfDisposition (migrate or terminate) not stated")
    if not isinstance(body.get("quarantineHost"), bool):
        problems.append("quarantineHost not stated")
    if immediate and body.get("immediate") is not True:
        problems.append("not immediate")
    return verdict_of(not problems, "hostId, vnfDisposition MIGRATE|TERMINATE, quarantineHost"
                      + (", immediate" if immediate else ""), show(hits[0]) + ("; " + "; ".join(problems)
                                                                               if problems else ""))


@check("sm-host-semi", "Sc-Or.SecEnforce.004", "R2.1.320",
       scope="semi-active SM (harness binding nfvct-secenforce/1: IFA033 6.4 note 4 gives no operation)")
def sm_host_semi(obs: Observation) -> Result:
    """On a compromised host the semi-active SM requests termination of the host's use, saying whether its VNFs may
    be migrated or shall be terminated and whether to quarantine the host."""
    return _host(obs, immediate=False)


@check("sm-host-fully", "Sc-Or.SecEnforce.004", "R2.1.330",
       scope="fully-active SM (harness binding nfvct-secenforce/1)")
def sm_host_fully(obs: Observation) -> Result:
    """On a compromised host the fully-active SM instructs immediate termination of the host's use, saying whether
    its VNFs may be migrated or shall be terminated and whether to quarantine the host."""
    return _host(obs, immediate=True)


@check("sm-status-list", "R2.1.350", scope="Query NS (GET ns_instances) on the SM's interface set")
def sm_status_list(obs: Observation) -> Result:
    """Investigating a host, the SM requests the status list of the active VNF instances of its trust domain."""
    hits = [r for r in obs.facts["requests"] if r.method == "GET" and r.path.endswith("/ns_instances")]
    return verdict_of(bool(hits), "GET ns_instances", show(hits[0]) if hits else "no status list requested")


@check("sm-history", "R2.1.360", scope="GET ns_lcm_op_occs with a SOL013 time filter")
def sm_history(obs: Observation) -> Result:
    """The SM requests the VNF instances' lifecycle history over a time period (NS LCM operation occurrences with
    a filter on startTime or statusEnteredTime)."""
    hits = [r for r in obs.facts["requests"] if r.method == "GET" and r.path.endswith("/ns_lcm_op_occs")]
    if not hits:
        return failed("GET ns_lcm_op_occs?filter=(gte,startTime,...)", "no history requested")
    periods = [f for f in obs.facts["filters"] if "startTime" in f or "statusEnteredTime" in f]
    return verdict_of(bool(periods), "a filter on startTime or statusEnteredTime",
                      f"{len(hits)} request(s); filters: {plain(obs.facts['filters'])}")


@check("sm-security-vnf", "R2.1.340", scope="Update NS INSTANTIATE_VNF of the on-boarded security VNFD")
def sm_security_vnf(obs: Observation) -> Result:
    """For a network service exposed through a service access point the SM requests the insertion of a security
    VNF (Update NS INSTANTIATE_VNF with the security VNFD)."""
    hits = [r for r in updates(obs.facts["requests"], "INSTANTIATE_VNF")
            if any(isinstance(d, dict) and d.get("vnfdId") == obs.facts["vnfd"]
                   for d in r.body.get("instantiateVnfData") or [])]
    return verdict_of(bool(hits), f"INSTANTIATE_VNF with vnfdId {obs.facts['vnfd']} on NS {obs.facts['ns']}",
                      show(hits[0]) if hits else "no security VNF requested")


@check("sm-domain-credentials", "Security.001", "Security.006", "Security.007",
       scope="the client certificates the SM presented on each interface set, and its NS LCM subscriptions")
def sm_domain_credentials(obs: Observation) -> Result:
    """Each interface set is used with its own credential, never another set's (independent protection and keys),
    and the SM subscribes on each set with that set's identity, so NFV-MANO can route each domain's events."""
    problems: list[str] = []
    used: dict[str, set[str]] = {}
    for r in obs.facts["requests"]:
        used.setdefault(r.fingerprint, set()).add(r.binding)
        if r.credential != r.binding:
            problems.append(f"{r.method} {r.path} on the {r.binding} set with the credential of "
                            f"{r.credential or 'an unknown certificate'}")
    problems += [f"one key on sets {', '.join(sorted(b))}" for b in used.values() if len(b) > 1]
    missing = [b for b in obs.facts["bindings"] if b not in obs.facts["subscribed"]]
    problems += [f"no NS LCM subscription made with the {b} set's credential" for b in missing]
    return verdict_of(not problems, "per set: its own credential; a subscription on every set",
                      "; ".join(dict.fromkeys(problems)) or
                      f"{len(used)} distinct credentials over {len(obs.facts['requests'])} requests")


@check("sm-domain-scope", "R2.1.90", "Security.003",
       scope="SM side: the instructions it sends and the interface set it sends them on (NFV-MANO's refusal is the "
             "simulator's)")
def sm_domain_scope(obs: Observation) -> Result:
    """The SM instructs NFV-MANO only about VNFs of the trust domains of the interface set it uses, identified as
    that set's party."""
    acts = obs.facts["acts"]  # (request, target domain)
    if not acts:
        return inconclusive("the SM sent no instruction to judge")
    outside = [f"{show(r)} targets domain {d}" for r, d in acts if d not in obs.facts["domains"][r.binding]]
    return verdict_of(not outside, "every instruction on the interface set of its target's domain",
                      "; ".join(outside) or f"{len(acts)} instruction(s), each on its domain's set")


@check("sm-modes-per-domain", "R2.1.130", scope="one SM, the same alarm in each of its domains")
def sm_modes_per_domain(obs: Observation) -> Result:
    """One SM spanning several trust domains behaves in each as the mode it has there: passive no request,
    semi-active a termination request, fully-active an immediate termination instruction."""
    problems, judged = [], 0
    for domain, (mode, delivered, removes) in obs.facts["per_domain"].items():
        if not delivered:
            continue
        judged += 1
        immediate = [r for r in removes if (r.body.get("nfvctSecurityDirectives") or {}).get("immediate") is True]
        if mode == "passive" and removes:
            problems.append(f"{domain} (passive): requested termination")
        elif mode == "semi-active" and (not removes or immediate):
            problems.append(f"{domain} (semi-active): " + ("no request" if not removes else "immediate instruction"))
        elif mode == "fully-active" and not immediate:
            problems.append(f"{domain} (fully-active): " + ("no instruction" if not removes else "not immediate"))
    if not problems and judged < len(obs.facts["per_domain"]):
        return inconclusive("the alarm did not reach the SM in every domain (no subscription there)")
    return verdict_of(not problems, "passive: nothing; semi-active: request; fully-active: immediate instruction",
                      "; ".join(problems) or f"{judged} domains as configured")


@check("sm-master-overrules", "R2.1.50", "IFA026:5.1.3:master",
       scope="master SM: its interface set covering the sub-SM's domain")
def sm_master_overrules(obs: Observation) -> Result:
    """The master SM instructs immediate termination of a compromised VNF of a sub-SM's trust domain, overruling
    the sub-SM's decision to keep it."""
    hits = [r for r in updates(obs.facts["requests"], "REMOVE_VNF") if r.binding == obs.facts["master"]
            and obs.facts["vnf"].id in (r.body.get("removeVnfInstanceId") or [])]
    ok = bool(hits) and (hits[0].body.get("nfvctSecurityDirectives") or {}).get("immediate") is True
    return verdict_of(ok, f"immediate REMOVE_VNF of {obs.facts['vnf'].id} on the master set",
                      show(hits[0]) if hits else "no instruction from the master SM")
