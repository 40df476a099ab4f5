from django.urls import path

from delegation import views

app_name = "delegation"

urlpatterns = [
    path("", views.tray, name="tray"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/voice/<slug:step>/", views.voice, name="voice"),
    path("tasks/<int:pk>/section-d/<slug:step>/", views.section_d, name="section_d"),
    path("tasks/<int:pk>/attachments/", views.attachments, name="attachments"),
    path(
        "tasks/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "tasks/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "tasks/<int:pk>/teacher-comments/",
        views.import_upload,
        name="import_upload",
    ),
    path(
        "tasks/<int:pk>/teacher-comments/preview/",
        views.import_preview,
        name="import_preview",
    ),
    path("tasks/<int:pk>/submit/", views.submit, name="submit"),
    path("tasks/<int:pk>/school-section.pdf", views.pdf, name="pdf"),
    path("tasks/<int:pk>/carer-copy/", views.carer_copy, name="carer_copy"),
    path("peps/<int:pep_id>/delegate/", views.delegate, name="delegate"),
    path("delegations/<int:pk>/retract/", views.retract, name="retract"),
    path(
        "attachments/<int:attachment_pk>/",
        views.staff_attachment_download,
        name="staff_attachment",
    ),
]
