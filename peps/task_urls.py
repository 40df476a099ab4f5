from django.urls import path

from peps import task_views

app_name = "tasks"

urlpatterns = [
    path("", task_views.task_list, name="list"),
    path("<int:pk>/done/", task_views.task_done, name="done"),
]
