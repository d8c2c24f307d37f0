from django.urls import path

from pushin.accounts import password_views

app_name = "password"
urlpatterns = [
    path("change/", password_views.password_change, name="change"),
    path("change/done/", password_views.password_changed, name="changed"),
    path("reset/", password_views.password_reset, name="reset"),
    path("set/<uidb64>/<token>/", password_views.password_set, name="set"),
    path("set/done/", password_views.password_set_done, name="set_done"),
]
