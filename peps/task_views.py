""" "My tasks": each person's open PEP preparation tasks, and marking one done.

Only tasks of PEPs the person may open are shown or can be changed; anything else
is a 404, as everywhere in the portal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from peps import access, cycle
from peps.models import Pep, PepTask

TASKS_PER_PAGE = 50


def open_tasks_for(user: User) -> QuerySet[PepTask]:
    """The user's own open tasks on PEPs they may open, earliest due first, so
    that overdue tasks lead the list."""
    return (
        PepTask.objects.filter(
            assignee=user,
            completed_at__isnull=True,
            pep__in=access.peps_for(user).values("pk"),
        )
        .exclude(pep__status=Pep.Status.APPROVED)
        .select_related("pep__child")
        .order_by("due_on", "pk")
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(*STAFF_ROLES):
        if request.user.has_role(Role.DESIGNATED_TEACHER):
            # School staff work from their delegation tray, where reminders land.
            return redirect("delegation:tray")
        raise Http404("No tasks.")

    today = timezone.localdate()
    tasks = open_tasks_for(request.user)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))

    rows = [
        {
            "task": task,
            "is_overdue": cycle.is_late(task.due_on, today),
            "is_due_today": task.due_on == today,
            "role_label": cycle.Role(task.responsible_role).label,
        }
        for task in page
    ]
    return render(
        request,
        "peps/tasks/list.html",
        {
            "page": page,
            "rows": rows,
            "overdue_count": tasks.filter(due_on__lt=today).count(),
            "today": today,
        },
    )


@require_POST
@login_required
def task_done(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    task = open_tasks_for(request.user).select_related(None).filter(pk=pk).first()
    if task is None:
        raise Http404("No open task found.")

    # Conditional, so that a second click or a second tab changes nothing.
    PepTask.objects.filter(pk=task.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    messages.success(request, f"Task marked as done: {task.title}")
    return redirect("tasks:list")
