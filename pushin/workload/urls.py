from django.urls import path

from pushin.workload import views, whatif_views

app_name = "workload"
urlpatterns = [
    path("", views.workload_home, name="home"),
    path("district/", views.district_workload, name="district"),
    path("district/capacity/", whatif_views.district_capacity, name="capacity"),
    path("providers/<pid:pk>/", views.report, name="report"),
    path("providers/<pid:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("providers/<pid:pk>/what-if/", whatif_views.whatif_page, name="whatif"),
    path("providers/<pid:pk>/what-if/<pid:run_pk>/", whatif_views.whatif_run, name="whatif_run"),
    path(
        "providers/<pid:pk>/what-if/<pid:run_pk>/cancel/",
        whatif_views.whatif_run_cancel,
        name="whatif_run_cancel",
    ),
    path("indirect/", views.indirect_list, name="indirect"),
    path("indirect/add/", views.indirect_add, name="indirect_add"),
    path("indirect/<pid:pk>/", views.indirect_edit, name="indirect_edit"),
    path("indirect/<pid:pk>/delete/", views.indirect_delete, name="indirect_delete"),
]
