from django.urls import path

from pushin.accounts import two_factor_views

app_name = "two_factor"
urlpatterns = [
    path("", two_factor_views.two_factor_home, name="home"),
    path("code/", two_factor_views.two_factor_verify, name="verify"),
    path("district/", two_factor_views.two_factor_policy, name="policy"),
]
