"""Response headers every page gets: a Permissions-Policy, and no caching of what a
signed-in person reads.

The Content-Security-Policy itself comes from django-csp (`CONTENT_SECURITY_POLICY` in
settings); `csp_nonce` below hands its per-request nonce to templates under the name
django-htmx's `{% htmx_script %}` looks for.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponseBase]


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    """Template context: `csp_nonce`, this request's Content-Security-Policy nonce (read
    lazily, so a page that uses none sends none)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class PermissionsPolicyMiddleware:
    """Turn off browser features the app never uses (`PERMISSIONS_POLICY` in settings)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        features: dict[str, str] = settings.PERMISSIONS_POLICY
        self.header = ", ".join(f"{name}={allow}" for name, allow in features.items())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in person: pages,
    fragments, redirects and downloads (the service-log CSV) carry student records, and
    no browser cache or shared proxy may keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        signed_in = _signed_in(request)
        response = self.get_response(request)
        if signed_in or _signed_in(request):
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
