from django.urls import path

from pushin.accounts import signin_views

app_name = "signin"

urlpatterns = [
    path("sso/", signin_views.sso_start, name="sso"),
    path("sso/callback/", signin_views.sso_callback, name="sso_callback"),
    path("settings/", signin_views.signin_settings, name="settings"),
]
