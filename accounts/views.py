from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts from."""
    user = request.user
    if user.has_role(Role.SOCIAL_WORKER, Role.LINK_TEACHER, Role.ADMINISTRATOR):
        return redirect("peps:caseload")
    if user.is_manager:
        return redirect("reporting:dashboard")
    if user.has_role(Role.DESIGNATED_TEACHER):
        return redirect("delegation:tray")
    return render(request, "accounts/home.html", {"roles": sorted(user.roles)})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/accessibility.html")
