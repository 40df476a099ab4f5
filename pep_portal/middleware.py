"""Response headers that Django's own security middleware does not set, and a
message for forms posted after the session has ended."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

logger = logging.getLogger(__name__)

SIGNED_OUT_POST_MESSAGE = (
    "You were signed out before your changes were saved. Sign in again to go back "
    "to the page. If you were typing in this browser tab, what you typed will be "
    "put back for you to check and save."
)

# Posting to these while signed out is not a lost form: signing out after the session
# ended, or a sign-in step.
SIGN_IN_AND_OUT_VIEWS = frozenset(
    {"account_logout", "account_login", "account_login_code_confirm"}
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages about children must not linger in shared browser caches.
            response.setdefault("Cache-Control", "no-store, private")
        return response


class SignedOutPostMiddleware:
    """Say so when a form arrives after its session ended, instead of losing it quietly.

    The sign-in redirect cannot carry a POST's body (keeping it server-side for a
    signed-out visitor would store personal data against no account), so the data is
    kept in the browser instead: `static/js/form-drafts.js` keeps what was typed in
    the tab's sessionStorage and puts it back after sign-in. This middleware adds the
    message that tells the person what happened and what to expect. It sits after
    the message middleware so that the message is stored with the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and self._is_expired_session_redirect(
            request, response
        ):
            view_name = getattr(request.resolver_match, "view_name", "")
            logger.info("A form was posted after its session ended: %s", view_name)
            messages.warning(request, SIGNED_OUT_POST_MESSAGE)
        return response

    @staticmethod
    def _is_expired_session_redirect(
        request: HttpRequest, response: HttpResponse
    ) -> bool:
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in SIGN_IN_AND_OUT_VIEWS:
            return False
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        if response.status_code not in (301, 302, 303):
            return False
        location = urlsplit(response.get("Location", "")).path
        return location == resolve_url(settings.LOGIN_URL)
