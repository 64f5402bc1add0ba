"""Report renderers: results.json schema, junit.xml, the HTML page, SVG and redaction."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from harness.model import (
    CheckOutcome,
    Evidence,
    Requirement,
    RequirementResult,
    RunInfo,
    RunResult,
    ScenarioResult,
    StepResult,
    TraceEvent,
    Verdict,
)
from reports import RESULTS_JSON_SCHEMA, SCHEMA_ID, write_reports
from harness.redact import redact, redact_headers
from reports.results_json import results_dict
from reports.schema_check import validation_errors
from reports.svg import sequence_svg

T0 = datetime(2025, 3, 4, 9, 30, 0, tzinfo=timezone.utc)
FAKE_PASSWORD = "hunter2-fake-S3cret"
FAKE_TOKEN = "eyJhbGciOiJFUzI1NiJ9.fake-token-value"
FAKE_KEY_B64 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFAKEFAKEFAKE"
PEM = f"-----BEGIN PRIVATE KEY-----\n{FAKE_KEY_B64}\n-----END PRIVATE KEY-----\n"
EC_PEM = f"-----BEGIN EC PRIVATE KEY-----\n{FAKE_KEY_B64}\n-----END EC PRIVATE KEY-----"
LONG_TEXT = (
    "The CA issues the VNFCI certificate (including VNFCI public key) and signs it with the "
    "private key of the CA. The CA returns the certificate to the CMF, which stores it, "
    "associates it with the registered subject instance and forwards it to the consumer "
    "together with the certificate chain when the chain has been requested."
)


def _req(rid: str, text: str) -> Requirement:
    document, clause = rid.split(":")[:2]
    return Requirement(id=rid, document=document, clause=clause, text=text, applies_to="CMF")


def _check(name: str, reqs: tuple[str, ...], verdict: Verdict, scenario: str, expected: str,
           observed: str, seqs: tuple[int, ...], reason: str = "", scope: str = "") -> CheckOutcome:
    return CheckOutcome(check=name, requirements=reqs, verdict=verdict, scenario=scenario,
                        evidence=Evidence(expected, observed, seqs), scope=scope, reason=reason)


def _ev(seq: int, sender: str, receiver: str, kind: str, summary: str, scenario: str,
        step: str = "", body: str = "", headers: dict[str, str] | None = None) -> TraceEvent:
    return TraceEvent(seq=seq, at=T0 + timedelta(milliseconds=37 * seq), sender=sender,
                      receiver=receiver, kind=kind, summary=summary, channel="Cm-Vnfm / HTTPS mTLS",
                      headers=headers or {}, body_text=body, step=step, scenario=scenario)


REG, ENR = "C.2.2.1[VNFCI]", "C.2.2.2[VNFCI]"
CREATED, CONFLICT = "SOL023:5.6.3.3.3.1:created", "SOL023:5.6.3.3.3.1:conflict"
INVALID, DELEGATE = "IFA026:C.2.2.1.6:invalid-registration", "IFA026:C.2.2.2.6:delegate"
CSR, WAITING = "SOL023:5.3.3:csr-response", "SOL023:5.3.3:waiting"
ISSUES, CHAIN = "IFA026:C.2.2.2.6:ca-issues", "IFA033:11.2.3.3:certificate-chain"


def _trace() -> tuple[TraceEvent, ...]:
    body = json.dumps({"subjectType": "VNFCI", "vnfInstanceId": "vnf-1",
                       "password": FAKE_PASSWORD, "privateKey": PEM, "note": f"copy: {PEM}"})
    auth = {"Content-Type": "application/json", "Authorization": f"Bearer {FAKE_TOKEN}"}
    subjects = "/nfv-cert/v1/subjects"
    cmp_body = f"PKIMessage ::= {{ header {{ pvno cmp2000 }}, body p10cr }}\n{EC_PEM}"
    return (
        _ev(1, "VNFM", "CMF", "http-request", f"POST {subjects}", REG, "1", body, auth),
        _ev(2, "CMF", "VNFM", "http-response", "201 Created", REG, "2",
            '{"id": "subj-1", "subjectType": "VNFCI"}', {"Location": f"{subjects}/subj-1"}),
        _ev(3, "VNFM", "CMF", "http-request", f"POST {subjects} (duplicate)", REG, "3", body),
        _ev(4, "CMF", "VNFM", "http-response", "201 Created <expected 409>", REG, "3", "{}"),
        _ev(5, "VNFM", "CMF", "http-request", f"POST {subjects} (invalid)", REG, "3"),
        _ev(6, "VNFM", "CMF", "tls", "TLS 1.3 handshake, client cert vnfm-1", ENR, "1"),
        _ev(7, "VNFM", "CMF", "http-request", "POST /nfv-cert/v1/certificates (p10cr)", ENR, "1",
            cmp_body),
        _ev(8, "CMF", "CA", "note", "CSR forwarded to CA-1 (harness binding)", ENR, "3"),
        _ev(9, "CMF", "VNFM", "http-response", "202 Accepted", ENR, "4"),
        _ev(10, "Harness", "CMF", "http-request", "GET /nfv-cert/v1/api_versions", ""),
    )


def _scenarios() -> tuple[ScenarioResult, ...]:
    reg_checks = (
        _check("register-created", (CREATED,), Verdict.PASS, REG, "201 Created with Location",
               "201 Created, Location /nfv-cert/v1/subjects/subj-1", (1, 2)),
        _check("register-duplicate-conflict", (CONFLICT,), Verdict.FAIL, REG,
               "409 Conflict with ProblemDetails.detail", "201 Created for a duplicate subject",
               (3, 4)),
        _check("register-invalid-rejected", (INVALID,), Verdict.ERROR, REG, "4xx rejection",
               "connection reset by peer", (5,),
               reason="SUT closed the connection before answering"),
    )
    enr_checks = (
        _check("delegate-verified", (DELEGATE,), Verdict.PASS, ENR,
               "request from registered delegate accepted", "202 Accepted", (7, 9),
               scope="only the VNFM-as-delegate case"),
        _check("csr-certrep", (CSR,), Verdict.INCONCLUSIVE, ENR, "201 Created with CertRepMessage",
               "202 Accepted; polling timed out after 30 s", (9,),
               reason="certificate was not ready within the poll budget"),
        _check("csr-pending", (WAITING,), Verdict.NOT_APPLICABLE, ENR, "202 Accepted while pending",
               "", (), reason="profile declares synchronous issuance"),
    )
    reg_steps = (
        StepResult("1", "VNFM", "CMF", "VNFM sends the registration request", Verdict.PASS,
                   "POST with subject data", (1,)),
        StepResult("2", "CMF", "VNFM", "CMF registers the subject and returns its id",
                   Verdict.PASS, "", (2,)),
        StepResult("3", "VNFM", "CMF", "Duplicate registration is refused", Verdict.FAIL,
                   "201 instead of 409", (3, 4)),
    )
    enr_steps = (
        StepResult("1", "VNFM", "CMF", "VNFM sends the CSR for the VNFCI", Verdict.PASS, "",
                   (6, 7)),
        StepResult("2", "CMF", "CMF", "CMF validates the CSR", Verdict.NOT_TESTED),
        StepResult("3", "CMF", "CA", "CMF forwards the CSR to the CA", Verdict.PASS, "", (8,)),
        StepResult("4", "CMF", "VNFM", "CMF returns the certificate", Verdict.INCONCLUSIVE,
                   "only 202 Accepted seen", (9,)),
    )
    source = "ETSI GS NFV-IFA 026 V4.5.1 table {}-1"
    return (
        ScenarioResult(REG, "C.2.2.1", "VNFCI certificate management registration",
                       source.format("C.2.2.1.6"), Verdict.FAIL, reg_steps, reg_checks,
                       {"subject": "VNFCI", "delegate": "VNFM"}),
        ScenarioResult(ENR, "C.2.2.2", "VNFCI certificate enrolment", source.format("C.2.2.2.6"),
                       Verdict.INCONCLUSIVE, enr_steps, enr_checks, {"mode": "delegated"},
                       reason="certificate never became ready"),
    )


TEXTS = {
    CREATED: 'Shall be returned when a new "Individual Subject instance" resource is created.',
    CONFLICT: "Shall be returned upon the following error: conflict with the resource state.",
    INVALID: "If the registration request is invalid, a rejection message is returned.",
    DELEGATE: "The CMF verifies whether the consumer is registered as delegate.",
    CSR: "If the certificate is available, the CMF returns a 201 Created response.",
    WAITING: 'If issuing is pending, the CMF returns a "202 Accepted" response.',
    ISSUES: LONG_TEXT,
    CHAIN: "If certificate chain is requested, this parameter shall be present.",
}


def sample_result() -> RunResult:
    """A hand-built run: 2 scenarios, every verdict, secrets in bodies and headers."""
    scenarios = _scenarios()
    by_req: dict[str, list[CheckOutcome]] = {rid: [] for rid in TEXTS}
    for check in (c for s in scenarios for c in s.checks):
        for rid in check.requirements:
            by_req[rid].append(check)
    requirements = tuple(
        RequirementResult(_req(rid, text), Verdict.worst([c.verdict for c in by_req[rid]]),
                          tuple(by_req[rid]))
        for rid, text in TEXTS.items()
    )
    info = RunInfo("run-20250304-0930", T0, T0 + timedelta(seconds=42.5), "ACME CMF 2.1 (lab)",
                   "0.1.0", 1234, "profiles/acme.toml", ("drop-ca-response",))
    bindings = ("CA-1: the CMF reaches the CA over CMP (RFC 4210) on a harness-defined endpoint",
                "Subject identifiers are UUIDv4 strings")
    return RunResult(info, requirements, scenarios, _trace(), bindings)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_reports(sample_result(), tmp_path_factory.mktemp("report") / "out")


def test_write_reports_paths(rendered: dict[str, Path]) -> None:
    assert {p.name for p in rendered.values()} == {"index.html", "results.json", "junit.xml"}
    assert all(p.is_file() for p in rendered.values())


def test_results_json_validates_and_round_trips(rendered: dict[str, Path]) -> None:
    data = json.loads(rendered["json"].read_text(encoding="utf-8"))
    assert validation_errors(data, RESULTS_JSON_SCHEMA) == []
    assert data["schema"] == SCHEMA_ID
    result = sample_result()
    assert data["summary"] == result.summary()
    assert sum(data["summary"].values()) == len(data["requirements"]) == 8
    ids = [r.requirement.id for r in result.requirements]
    assert [r["id"] for r in data["requirements"]] == ids
    counts = {v.value: 0 for v in Verdict}
    for r in data["requirements"]:
        counts[r["verdict"]] += 1
    assert counts == data["summary"] and counts["NOT TESTED"] == 2
    assert data["run"]["started"] == "2025-03-04T09:30:00+00:00" and data["run"]["seed"] == 1234
    step = data["scenarios"][0]["steps"][2]
    assert (step["from"], step["to"], step["verdict"]) == ("VNFM", "CMF", "FAIL")
    assert data["scenarios"][0]["checks"][1]["trace"] == [3, 4]
    assert FAKE_PASSWORD not in rendered["json"].read_text(encoding="utf-8")


def test_results_schema_rejects_malformed() -> None:
    good: dict[str, Any] = json.loads(json.dumps(results_dict(sample_result())))
    assert validation_errors(good, RESULTS_JSON_SCHEMA) == []
    bad = json.loads(json.dumps(good))
    bad["run"]["started"] = "2025-03-04T09:30:00"  # no offset
    del bad["summary"]["ERROR"]
    bad["requirements"][0]["verdict"] = "MAYBE"
    bad["scenarios"][0]["extra"] = 1
    errors = validation_errors(bad, RESULTS_JSON_SCHEMA)
    assert len(errors) == 4, errors


def test_naive_datetime_refused(tmp_path: Path) -> None:
    result = sample_result()
    naive = replace(result, info=replace(result.info, started=datetime(2025, 1, 1)))
    with pytest.raises(ValueError, match="naive"):
        write_reports(naive, tmp_path)


def _counts(node: ET.Element) -> tuple[int, ...]:
    return tuple(int(node.get(k, "-1")) for k in ("tests", "failures", "errors", "skipped"))


def test_junit_counts(rendered: dict[str, Path]) -> None:
    root = ET.parse(rendered["junit"]).getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == [REG, ENR, "requirements"]
    assert [_counts(suites[name]) for name in suites] == [
        (3, 1, 1, 0),  # FAIL + ERROR
        (3, 0, 1, 1),  # INCONCLUSIVE is an error, never a failure; NOT APPLICABLE is skipped
        (6, 1, 2, 1),  # judged requirements only: 2 NOT TESTED left out
    ]
    assert _counts(root) == (12, 2, 4, 2)
    reg, enr, reqs = suites[REG], suites[ENR], suites["requirements"]
    failure = reg.find("testcase[@name='register-duplicate-conflict']/failure")
    assert failure is not None and "409 Conflict" in failure.get("message", "")
    assert "201 Created for a duplicate" in failure.get("message", "")
    inconclusive = enr.find("testcase[@name='csr-certrep']/error")
    assert inconclusive is not None and inconclusive.get("type") == "INCONCLUSIVE"
    props = {p.get("name"): p.get("value") for p in reqs.iter("property")}
    assert (props["outcome"], props["exit_code"]) == ("fail", "1")
    skipped = enr.find("testcase[@name='csr-pending']/skipped")
    assert skipped is not None and skipped.get("message") == "profile declares synchronous issuance"
    names = {c.get("name") for c in reqs.findall("testcase")}
    assert ISSUES not in names and CHAIN not in names


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src", "xlink:href", "srcset", "action", "data") and value:
                self.refs.append((tag, name, value))


def test_html_content_and_safety(rendered: dict[str, Path]) -> None:
    page = rendered["html"].read_text(encoding="utf-8")
    result = sample_result()
    for req in result.requirements:
        assert req.requirement.id in page
    for scenario in result.scenarios:
        for step in scenario.steps:
            assert step.description in page
    assert page.count("<svg") == 2 and "ev-7" in page
    assert "<details" in page  # the long requirement text collapses
    secrets = ("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY", FAKE_KEY_B64, FAKE_PASSWORD, FAKE_TOKEN)
    for secret in secrets:
        assert secret not in page, secret
    assert "[REDACTED PRIVATE KEY]" in page and "Bearer [REDACTED]" in page
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags and "img" not in parsed.tags
    for tag, attr, value in parsed.refs:
        assert value.startswith("#"), (tag, attr, value)  # only in-page links, nothing loaded
        assert value[1:] in parsed.ids, f"broken anchor {value}"
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", page)
    assert "@import" not in page
    for seq in range(1, 11):
        assert f"ev-{seq}" in parsed.ids


def test_html_autoescapes(tmp_path: Path) -> None:
    result = sample_result()
    evil = replace(result.trace[0], summary="<script>alert(1)</script>", body_text="<b>x</b>")
    page_path = write_reports(replace(result, trace=(evil, *result.trace[1:])), tmp_path)["html"]
    page = page_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>x</b>" not in page


def _page(result: RunResult) -> str:
    from reports.html import render_html

    return render_html(result)


def _grouped_result() -> RunResult:
    """The sample run with the duplicate-conflict FAIL repeated: again in REG (another instance, another observation)
    and in ENR (same observation), plus a check outcome that carries an instance."""
    result = sample_result()
    reg, enr = result.scenarios
    base = reg.checks[1]
    again = replace(base, instance="certificate 2 (VNFCI_certificate)",
                    evidence=Evidence(base.evidence.expected, "200 OK for a duplicate subject", (3,)))
    elsewhere = replace(base, scenario=ENR, instance="certificate 1 (VNF_OAM_certificate)")
    reg = replace(reg, checks=(*reg.checks, again))
    enr = replace(enr, checks=(*enr.checks, elsewhere))
    reqs = tuple(replace(r, checks=(*r.checks, again, elsewhere)) if r.requirement.id == CONFLICT else r
                 for r in result.requirements)
    return replace(result, scenarios=(reg, enr), requirements=reqs)


def _findings_rows(page: str) -> list[str]:
    table = page.split('<section id="findings">', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<tr class="v-[^"]*">.*?</tr>', table, flags=re.S)


def test_findings_group_one_check_one_verdict() -> None:
    page = _page(_grouped_result())
    rows = _findings_rows(page)
    conflict = [r for r in rows if "register-duplicate-conflict" in r]
    assert len(conflict) == 1, "three outcomes of one check with one verdict make one row"
    assert "&times;3" in conflict[0] and "in 2 scenarios, 3 times" in conflict[0]
    assert len(rows) == 3  # conflict (x3), ERROR, INCONCLUSIVE: each other check keeps its own row
    assert "5 check outcomes not passing, in 3 rows" in page  # FAIL x3 + ERROR + INCONCLUSIVE
    occurrences = page.split("Every occurrence of <strong>register-duplicate-conflict</strong> (3)", 1)[1]
    occurrences = occurrences.split("</details>", 1)[0]
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>', occurrences)
    assert [text for _, text in links] == [REG, REG, ENR]
    parsed = _Collector()
    parsed.feed(page)
    assert all(anchor in parsed.ids for anchor, _ in links) and len({a for a, _ in links}) == 3
    for text in ("certificate 2 (VNFCI_certificate)", "certificate 1 (VNF_OAM_certificate)",
                 "200 OK for a duplicate subject", "201 Created for a duplicate subject"):
        assert text in occurrences, text  # observations differ: each occurrence says its own


def test_instance_shown_next_to_the_check() -> None:
    page = _page(_grouped_result())
    details = page.split('<section id="scenario-details">', 1)[1]
    assert re.search(r'<strong>register-duplicate-conflict</strong><div class="instance">certificate 2 '
                     r'\(VNFCI_certificate\)</div>', details)
    catalogue = page.split('<section id="catalogue">', 1)[1].split('<section id="scenario-details">', 1)[0]
    assert "register-duplicate-conflict</span> <span class=\"count\">&times;3</span>" in catalogue
    assert "· certificate 2 (VNFCI_certificate)" in catalogue


def test_heading_names_the_role() -> None:
    result = sample_result()
    assert "ETSI NFV certificate management · conformance report" in _page(result)
    sm = replace(result, info=replace(result.info, role="SM"))
    page = _page(sm)
    assert "ETSI NFV security management · conformance report" in page and "certificate management ·" not in page


def test_times_are_human_with_iso_attribute(rendered: dict[str, Path]) -> None:
    from reports.text import human_time

    page = rendered["html"].read_text(encoding="utf-8")
    assert '<time datetime="2025-03-04T09:30:00+00:00" title="2025-03-04T09:30:00+00:00">2025-03-04 09:30:00 UTC</time>' in page
    assert ">2025-03-04 09:30:42 UTC</time>" in page and "42.5 s" in page
    assert ">2025-03-04T09:30:00+00:00<" not in page  # the raw ISO value only in attributes
    assert ".nowrap, time { white-space: nowrap; }" in page
    plus_two = datetime(2026, 12, 1, 23, 15, 4, 999, tzinfo=timezone(timedelta(hours=2)))
    assert human_time(plus_two) == "2026-12-01 23:15:04 +02:00"
    with pytest.raises(ValueError, match="naive"):
        human_time(datetime(2026, 12, 1))


def test_sections_in_reading_order(rendered: dict[str, Path]) -> None:
    page = rendered["html"].read_text(encoding="utf-8")
    order = ['id="findings"', 'id="scenarios"', 'id="bindings"', 'id="catalogue"', 'id="scenario-details"']
    positions = [page.index(f"<section {o}") for o in order]
    assert positions == sorted(positions), "findings, scenario index, bindings, catalogue, then scenario details"
    bar = page.split('<nav class="summary-bar"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<span class="links">(.*?)</span>', bar, flags=re.S)[0].count("<a ") == 4
    assert [h for h in re.findall(r'href="#([a-z-]+)"', bar.split('class="links"')[1])] == [
        "findings", "scenarios", "bindings", "catalogue"]
    index = page.split('<section id="scenarios">', 1)[1].split("</section>", 1)[0]
    for scenario in sample_result().scenarios:  # the index links each scenario's details, further down
        assert f'href="#sc-{scenario.id.replace("[", "-").replace("]", "")}"' in index


def test_not_selected_looks_like_not_tested_labelled_apart() -> None:
    result = sample_result()
    reqs = tuple(replace(r, verdict=Verdict.NOT_SELECTED) if r.requirement.id == CHAIN else r
                 for r in result.requirements)
    from harness.model import Selection

    page = _page(replace(result, requirements=reqs,
                         info=replace(result.info, selection=Selection(pattern=REG))))
    selected = re.search(r'<span class="badge v-not-selected" title="([^"]+)">NOT SELECTED</span>', page)
    tested = re.search(r'<span class="badge v-not-tested" title="([^"]+)">NOT TESTED</span>', page)
    assert selected and tested and selected.group(1) != tested.group(1)
    assert ".v-not-tested.badge, .v-not-tested.chip, .v-not-selected.badge" in page  # one look for both
    assert "<b>1</b> NOT SELECTED" in page
    assert "NOT SELECTED</a>" not in _page(result)  # no selection: no NOT SELECTED chip at all


def test_simulated_peer_requirements_marked_not_changed() -> None:
    """A requirement placed on a block the harness plays, judged on its simulator, is marked and listed; its
    verdict (and the totals) are unchanged."""
    result = sample_result()
    vim = Requirement(id="Vim.Sc.008", document="IFA026", clause="B.1.3", text="The VIM deletes the key.",
                      applies_to="VIM")
    sim_check = _check("vim-key-deleted", ("Vim.Sc.008",), Verdict.PASS, REG, "no copy of the key", "deleted", (),
                       scope="verified on the harness's simulated VIM, simulator to simulator: the CMF is not involved")
    ca = Requirement(id=ISSUES + "-ca", document="IFA026", clause="C.2.2.2.6", text="The CA issues.", applies_to="CA")
    ca_check = _check("cert-binds-csr-key", (ISSUES + "-ca",), Verdict.PASS, ENR, "same key", "identical", (8,))
    extra = (RequirementResult(vim, Verdict.PASS, (sim_check,)), RequirementResult(ca, Verdict.PASS, (ca_check,)))
    marked = replace(result, requirements=(*result.requirements, *extra))
    page = _page(marked)
    note = page.split('id="simulated-peers"', 1)[1].split("</div>", 1)[0]
    assert "2 requirement verdicts about the harness's simulated peers, not the SUT" in note
    assert ">Vim.Sc.008</code></a> <span class=\"muted\">(VIM, PASS)" in note
    assert "(CA, PASS)" in note  # the CA took part in ENR's trace (event 8: CMF -> CA)
    assert "<b>2</b> on simulated peers" in page and page.count('class="sim" href="#simulated-peers"') == 2
    assert marked.summary() == {**result.summary(), "PASS": result.summary()["PASS"] + 2}
    assert 'id="simulated-peers"' not in _page(result)  # CMF-placed requirements are never marked


def test_plain_renders_values_as_text() -> None:
    from reports.text import plain

    assert plain(["201"]) == "201" and plain(("a", "b")) == "a, b" and plain([]) == "none" and plain(None) == "none"
    assert plain({"interface": "PKCS#11", "token": "t"}) == "interface=PKCS#11, token=t"
    assert plain({"updateType": "REMOVE_VNF", "ids": ["x", "y"], "d": {"immediate": True, "snapshot": False}}) == (
        "updateType=REMOVE_VNF, ids=[x, y], d={immediate=true, snapshot=false}")
    assert plain({"a": "b" * 400}, 20).endswith("\N{HORIZONTAL ELLIPSIS}") and len(plain({"a": "b" * 400}, 20)) == 20


def test_no_python_reprs_in_a_short_real_run() -> None:
    """Observed, expected and reason texts of real runs (a CMF enrolment, the SM) read as text, not as reprs."""
    from harness.runner import run
    from tests.conftest import run_sm

    repr_like = re.compile(r"\['|\{'|\('|'\]|'\}|\bNone\b|\bTrue\b|\bFalse\b")
    cmf = run(None, seed=1234, reference_check_after=0, pattern=ENR)
    texts = []
    for result in (cmf, run_sm()):
        for scenario in result.scenarios:
            texts += [t for c in scenario.checks for t in (c.evidence.expected, c.evidence.observed, c.reason)]
            texts += [st.observed for st in scenario.steps]
    assert len(texts) > 100
    leaks = [t for t in texts if repr_like.search(t)]
    assert leaks == [], leaks[:5]
    assert any(t.startswith("CA answered: 201") for t in texts)


def test_svg_sequence_diagram() -> None:
    events = [
        _ev(1, "VNFM", "CMF", "http-request", "POST /subjects?a=1&b=<2>", "s", "1"),
        _ev(2, "CMF", "VNFM", "http-response", "201 Created", "s", "2"),
        _ev(3, "CMF", "CA", "note", "forwarded", "s", "3"),
        _ev(4, "CMF", "CMF", "http-request", "self check", "s"),
    ]
    svg = sequence_svg(["VNFM", "CMF"], events, highlight={2})
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"s": "http://www.w3.org/2000/svg"}
    actor_labels = [t.text for t in root.findall("s:text", ns) if t.get("font-size") == "13"]
    assert actor_labels[:3] == ["VNFM", "CMF", "CA"]  # given order, then the unlisted actor
    links = root.findall("s:a", ns)
    assert [a.get("href") for a in links] == ["#ev-1", "#ev-2", "#ev-3", "#ev-4"]
    assert "&lt;2&gt;" in svg and "<2>" not in svg
    assert 'stroke-dasharray="6 4"' in svg and "#b91c1c" in svg
    assert ">2</text>" in svg  # step badge
    small = sequence_svg(["A", "B"], events[:1])
    big = sequence_svg(["A", "B", "C", "D", "E", "F"], events)
    assert int(ET.fromstring(big).get("height", "0")) > int(ET.fromstring(small).get("height", "0"))
    assert int(ET.fromstring(big).get("width", "0")) > int(ET.fromstring(small).get("width", "0"))
    assert "no observed messages" in sequence_svg(["A"], [])


@pytest.mark.parametrize(
    "label",
    ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
     "OPENSSH PRIVATE KEY"],
)
def test_redact_pem_any_key_type(label: str) -> None:
    pem = f"-----BEGIN {label}-----\nAAAA\nBBBB==\n-----END {label}-----"
    out = redact(f"before\n{pem}\nafter")
    assert out == "before\n[REDACTED PRIVATE KEY]\nafter"
    escaped = json.dumps({"k": pem})  # newlines as \n inside a JSON string
    assert json.loads(redact(escaped)) == {"k": "[REDACTED PRIVATE KEY]"}


def test_redact_pem_truncated_and_certificates_kept() -> None:
    assert "AAAA" not in redact('{"x": "-----BEGIN PRIVATE KEY-----\\nAAAA", "y": 1}')
    cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert redact(cert) == cert


def test_redact_json_values() -> None:
    doc = {"password": "p1", "secret": "s1", "privateKey": "k1", "private_key": "k2",
           "token": "t1", "client_secret": "c1", "preSharedKey": "psk1", "accessToken": "t2",
           "nested": {"clientPassword": 7},
           "keyMaterial": {"privateKey": {"kty": "EC", "d": "dd"}},
           "subjectType": "VNFCI", "tokenEndpoint": "/t"}
    out = json.loads(redact(json.dumps(doc, indent=2)))
    sensitive = ("password", "secret", "privateKey", "private_key", "token", "client_secret",
                 "preSharedKey", "accessToken")
    for key in sensitive:
        assert out[key] == "[REDACTED]", key
    assert out["nested"] == {"clientPassword": "[REDACTED]"}
    assert out["keyMaterial"] == {"privateKey": "[REDACTED]"}
    assert (out["subjectType"], out["tokenEndpoint"]) == ("VNFCI", "/t")
    assert json.loads(redact('{"kty": "EC", "x": "xx", "d": "secret-d"}')) == {
        "kty": "EC", "x": "xx", "d": "[REDACTED]"}


def test_redact_authorization_and_idempotence() -> None:
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [REDACTED]"
    assert redact("authorization: Basic dXNlcjpwYXNz\nHost: cmf") == (
        "authorization: Basic [REDACTED]\nHost: cmf")
    assert redact('{"Authorization": "Bearer xyz"}') == '{"Authorization": "Bearer [REDACTED]"}'
    assert redact("grant_type=client_credentials&client_secret=abc") == (
        "grant_type=client_credentials&client_secret=[REDACTED]")
    headers = {"Authorization": "Basic Zm9v", "Cookie": "s=1", "Accept": "application/json"}
    assert redact_headers(headers) == {
        "Authorization": "Basic [REDACTED]", "Cookie": "[REDACTED]", "Accept": "application/json"}
    text = f'{{"password": "x", "k": "{EC_PEM}"}}\nAuthorization: Bearer t'
    once = redact(text)
    assert redact(once) == once
    plain = "plain text, nothing secret: 201 Created"
    assert redact(plain) == plain


def test_trace_never_keeps_private_key_material() -> None:
    from harness.trace import Trace, decode_body, drop_private_keys

    notation = "PKIMessage:\n certifiedKeyPair=CertifiedKeyPair:\n  privateKey=EncryptedKey:\n   encryptedValue=0x0102\n  publicationInfo=x\n"
    cleaned = drop_private_keys(notation)
    assert "0x0102" not in cleaned and "privateKey=[REDACTED]" in cleaned and "publicationInfo=x" in cleaned
    assert "not shown" in decode_body("application/pkcs8", b"\x30\x82\x01\x00\xff\xfe")
    trace = Trace()
    trace.record("A", "B", "http-request", "POST /x", headers={"X-Api-Key": "k1", "Client-Secret": "s1"})
    assert "k1" not in str(trace.events()[0].headers) and "s1" not in str(trace.events()[0].headers)
