from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peps import access


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    children = access.children_for(request.user).order_by("surname", "forename")
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    return render(request, "peps/caseload.html", {"page": page})
