from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("peps/<int:pep_id>/history/", views.pep_history_page, name="pep_history"),
    path(
        "children/<int:child_id>/access/",
        views.child_access_page,
        name="child_access",
    ),
    path("jobs/", views.job_failures_page, name="job_failures"),
    path("keepalive/", views.keepalive, name="keepalive"),
]
