"""The API documentation in Debian's Chromium: Swagger UI and ReDoc render the public API from
their local scripts under the pages' Content-Security-Policy, with no script error in the
console and nothing fetched from another origin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page, Request, expect

from demodata.system import LocalSystem

from .conftest import Browsing, screenshot

_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.effectiveDirective + " " + event.blockedURI);
});
"""
REDOC_LOGO = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"
"""ReDoc's sidebar tries its maker's logo from their CDN, and hides it when that fails: the one
thing the policy refuses, and nothing else may be."""


async def _violations(page: Page) -> list[str]:
    found: list[Any] = await page.evaluate("window.__violations")
    return [str(item) for item in found]


async def test_swagger_ui_and_redoc_render_from_this_origin_only(
    browser: Browser, system: LocalSystem
) -> None:
    browsing = Browsing(browser=browser, base_url=system.url("gateway"))
    fetched_elsewhere: list[str] = []
    own = urlsplit(system.url("gateway")).netloc

    def note(request: Request) -> None:
        where = urlsplit(request.url)
        if where.scheme in ("http", "https") and where.netloc != own:
            fetched_elsewhere.append(request.url)

    try:
        page = await browsing.page()
        await page.context.add_init_script(_RECORD_VIOLATIONS)
        page.on("requestfinished", note)
        await page.goto("/docs")
        operation = page.get_by_text("/api/v1/overview").first
        await expect(operation).to_be_visible()
        await operation.click()
        await expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
        await screenshot(page, "api-docs-swagger")
        swagger_violations = await _violations(page)

        await page.goto("/redoc")
        title = page.get_by_role("heading", name="Gemeentepolis backoffice API").first
        await expect(title).to_be_visible()
        await page.get_by_placeholder("Search...").fill("overview")
        await expect(page.get_by_role("menuitem").filter(has_text="overview").first).to_be_visible()
        await screenshot(page, "api-docs-redoc")
        redoc_violations = await _violations(page)
    finally:
        await browsing.close()

    assert swagger_violations == []
    assert set(redoc_violations) <= {REDOC_LOGO}, redoc_violations
    assert fetched_elsewhere == []
    # Chromium reports the refused logo in the console too.
    errors = [error for error in browsing.console_errors if "cdn.redoc.ly/redoc/logo" not in error]
    assert errors == [], "\n".join(errors)
