"""What the session time-out warning needs to know, for `templates/base.html`."""

from django.conf import settings
from django.http import HttpRequest


def session_timeout(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_idle_seconds": settings.SESSION_COOKIE_AGE}
