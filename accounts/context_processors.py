"""Navigation links for the signed-in user's roles."""

from django.http import HttpRequest
from django.urls import reverse

from accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        (label, reverse(url_name), request.path.startswith(reverse(url_name)))
        for label, url_name in navigation_for(user.roles)
    ]
    return {"nav_items": items}
