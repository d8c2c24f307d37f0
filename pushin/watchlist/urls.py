"""The watch list: students on no caseload whom a provider or teacher keeps an eye on."""

from django.urls import URLPattern, URLResolver, path

from pushin.watchlist import views

app_name = "watchlist"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.watch_list, name="list"),
    path("new/", views.watch_entry_create, name="new"),
    path("schools/", views.watch_counts, name="counts"),
    path("<pid:pk>/", views.watch_entry_detail, name="entry"),
    path("<pid:pk>/observations/", views.watch_observation_add, name="observation_add"),
    path("<pid:pk>/renew/", views.watch_entry_renew, name="renew"),
    path("<pid:pk>/carry-over/", views.watch_entry_carry_over, name="carry_over"),
    path("<pid:pk>/summary/", views.watch_summary, name="summary"),
    path("<pid:pk>/summary.pdf", views.watch_summary_pdf, name="summary_pdf"),
    path("students/<pid:pk>/", views.carried_observations, name="carried"),
]
