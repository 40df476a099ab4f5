from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("bands/", views.bands, name="bands"),
    path("published/", views.school_publications, name="school_publications"),
    path("published/<int:pk>/download/", views.download, name="download"),
    path("peps/<int:pep_id>/", views.review, name="review"),
    path("peps/<int:pep_id>/finalise/", views.finalise, name="finalise"),
    path("peps/<int:pep_id>/section-e/", views.section_e, name="section_e"),
    path("peps/<int:pep_id>/return/", views.return_for_amendment, name="return"),
    path("peps/<int:pep_id>/resubmit/", views.resubmit, name="resubmit"),
    path("peps/<int:pep_id>/approve/", views.approve, name="approve"),
    path("peps/<int:pep_id>/published/", views.publications, name="publications"),
]
