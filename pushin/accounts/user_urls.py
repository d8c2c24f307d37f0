from django.urls import path

from pushin.accounts import user_views

app_name = "accounts"
urlpatterns = [
    path("", user_views.user_list, name="users"),
    path("new/", user_views.user_create, name="user_create"),
    path("<pid:pk>/", user_views.user_edit, name="user_edit"),
]
