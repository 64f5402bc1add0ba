"""ETSI GS NFV-SOL 013 REST conventions shared by the reference CMF and the harness checks.

* ``filter``    -- attribute-based filtering (clause 5.2)
* ``selectors`` -- attribute selectors all_fields/fields/exclude_fields/exclude_default (5.3)
* ``problems``  -- ProblemDetails: construction, rendering, parsing (6.3/6.4)
* ``routing``   -- routes answering 405 ProblemDetails for unsupported methods (6.4)
* ``versions``  -- API versions resources (9.3)
"""

from __future__ import annotations

from .filter import OPERATORS, OPS_MULTI, OPS_ONE, Filter, FilterError, SimpleFilter, parse_filter, quote_value
from .problems import (
    PROBLEM_MEDIA_TYPE,
    ProblemDetails,
    ProblemError,
    ProblemException,
    bad_request,
    conflict,
    forbidden,
    internal,
    method_not_allowed,
    not_acceptable,
    not_found,
    parse_problem,
    problem,
    problem_exception_handlers,
    to_response,
    unauthorized,
    unprocessable,
)
from .routing import MethodDispatch, resource_route
from .selectors import SELECTOR_PARAMS, Selection, SelectorError, apply_selectors, parse_selectors
from .versions import api_versions_body, api_versions_routes, major_of, parse_version

__all__ = [
    "OPERATORS",
    "OPS_MULTI",
    "OPS_ONE",
    "PROBLEM_MEDIA_TYPE",
    "SELECTOR_PARAMS",
    "Filter",
    "FilterError",
    "MethodDispatch",
    "ProblemDetails",
    "ProblemError",
    "ProblemException",
    "Selection",
    "SelectorError",
    "SimpleFilter",
    "api_versions_body",
    "api_versions_routes",
    "apply_selectors",
    "bad_request",
    "conflict",
    "forbidden",
    "internal",
    "major_of",
    "method_not_allowed",
    "not_acceptable",
    "not_found",
    "parse_filter",
    "parse_problem",
    "parse_selectors",
    "parse_version",
    "problem",
    "problem_exception_handlers",
    "quote_value",
    "resource_route",
    "to_response",
    "unauthorized",
    "unprocessable",
]
