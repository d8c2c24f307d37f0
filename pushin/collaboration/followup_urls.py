"""Follow-ups to teachers and printable adapted paper, mounted at /followups/.

URLs carry ids only, never names. The strategy cards link to the paper with
`{% url 'followups:printable' %}?kind=<Strategy.printable>&grade=<K..5>`.
"""

from django.urls import path

from pushin.collaboration import followup_views as views

app_name = "followups"

urlpatterns = [
    path("", views.followup_list, name="list"),
    path("session/<pid:session_pk>/new/", views.followup_new, name="new"),
    path("<pid:pk>/", views.followup_detail, name="detail"),
    path("<pid:pk>/retry/", views.followup_retry, name="retry"),
    path("<pid:pk>/discard/", views.followup_discard, name="discard"),
    path("inbox/", views.teacher_inbox, name="inbox"),
    path("inbox/<pid:pk>/acknowledge/", views.followup_acknowledge, name="acknowledge"),
    path("inbox/<pid:pk>/reply/", views.followup_reply, name="reply"),
    path("paper/", views.printables, name="printables"),
    path("paper/print/", views.printable, name="printable"),
]
