from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("children/", include("peps.urls")),
    path("tasks/", include("peps.task_urls")),
    path("school/", include("delegation.urls")),
    path("quality/", include("quality.urls")),
    path("reports/", include("reporting.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
