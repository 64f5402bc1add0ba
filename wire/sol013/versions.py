"""API versions, ETSI GS NFV-SOL 013 clause 9.

Version strings are ``MAJOR.MINOR.PATCH`` (clause 9.1), optionally followed by an
implementation suffix ``-impl:...``. The URI carries only the major version, as
``v{MAJOR}``. The "API versions" resources (clause 9.3) are::

    GET {apiRoot}/{apiName}/api_versions
    GET {apiRoot}/{apiName}/{apiMajorVersion}/api_versions

both returning ApiVersionInformation: ``{"uriPrefix": ..., "apiVersions": [{"version": ...,
"isDeprecated": ..., "retirementDate": ...}]}``. Other methods: 405.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .routing import resource_route

VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-impl:[\x21-\x7e]+)?$")
MAJOR_RE = re.compile(r"^v([1-9]\d*)$")
API_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def parse_version(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> (1, 2, 3); ``ValueError`` for anything not a SOL 013 version string."""
    match = VERSION_RE.match(version)
    if match is None:
        raise ValueError(f"not a SOL 013 API version (MAJOR.MINOR.PATCH[-impl:...]): {version!r}")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def major_of(version: str) -> str:
    """``"1.2.3"`` -> ``"v1"``, the {apiMajorVersion} URI segment."""
    return f"v{parse_version(version)[0]}"


def api_versions_body(
    uri_prefix: str,
    versions: Sequence[str],
    *,
    deprecated: Collection[str] = (),
    retirement_dates: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """ApiVersionInformation for ``versions`` (at least one) under ``uri_prefix``."""
    if not versions:
        raise ValueError("ApiVersionInformation needs at least one version (apiVersions is 1..N)")
    retirement_dates = retirement_dates or {}
    entries: list[dict[str, Any]] = []
    for version in versions:
        parse_version(version)
        entry: dict[str, Any] = {"version": version, "isDeprecated": version in deprecated}
        if version in retirement_dates:
            entry["retirementDate"] = retirement_dates[version]
        entries.append(entry)
    return {"uriPrefix": uri_prefix, "apiVersions": entries}


def api_versions_routes(
    api_name: str,
    major_versions: Mapping[str, Sequence[str]],
    *,
    api_root_path: str = "",
    deprecated: Collection[str] = (),
    retirement_dates: Mapping[str, str] | None = None,
) -> list[Route]:
    """Routes for ``/{api_name}/api_versions`` and ``/{api_name}/{major}/api_versions``.

    ``major_versions`` maps ``"v1"`` to the versions served under it, e.g.
    ``{"v1": ["1.0.0"]}``. ``api_root_path`` is the path part of {apiRoot} (if any), used
    only in ``uriPrefix``; mount the routes under it yourself.
    """
    if not API_NAME_RE.match(api_name):
        raise ValueError(f"invalid apiName {api_name!r}")
    if not major_versions:
        raise ValueError("at least one major version is required")
    root = api_root_path.rstrip("/")
    bodies: dict[str, dict[str, Any]] = {}
    for major, versions in major_versions.items():
        if not MAJOR_RE.match(major):
            raise ValueError(f"invalid apiMajorVersion {major!r} (expected v1, v2, ...)")
        for version in versions:
            if major_of(version) != major:
                raise ValueError(f"version {version!r} does not belong to major version {major!r}")
        bodies[major] = api_versions_body(
            f"{root}/{api_name}/{major}", versions, deprecated=deprecated, retirement_dates=retirement_dates
        )

    if len(bodies) == 1:
        unversioned = next(iter(bodies.values()))
    else:
        # Several majors: list them all under the un-versioned prefix.
        all_versions = [v for versions in major_versions.values() for v in versions]
        unversioned = api_versions_body(
            f"{root}/{api_name}", all_versions, deprecated=deprecated, retirement_dates=retirement_dates
        )

    def serve(body: dict[str, Any]) -> Any:
        async def get(request: Request) -> Response:
            return JSONResponse(body)

        return get

    routes = [resource_route(f"/{api_name}/api_versions", {"GET": serve(unversioned)}, name=f"{api_name}-api-versions")]
    for major, body in bodies.items():
        routes.append(
            resource_route(
                f"/{api_name}/{major}/api_versions", {"GET": serve(body)}, name=f"{api_name}-{major}-api-versions"
            )
        )
    return routes
