from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("completion/<slug:dimension>/", views.completion_breakdown, name="completion"),
    path("quality/<slug:dimension>/", views.quality_breakdown, name="quality"),
    path("peps/<slug:measure>/<str:outcome>/", views.pep_list, name="peps"),
    path("children/<slug:name>/", views.child_list, name="children"),
    path("priorities/", views.priorities, name="priorities"),
    path("pupil-premium/", views.pupil_premium, name="pupil_premium"),
    path("termly-report.pdf", views.report_pdf, name="report_pdf"),
    path("refresh/", views.refresh, name="refresh"),
    path("send-termly-report/", views.send_report, name="send_report"),
]
