from django.urls import path

from peps import views

app_name = "peps"

urlpatterns = [
    path("", views.caseload, name="caseload"),
]
