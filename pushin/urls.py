from django.contrib import admin
from django.urls import include, path, register_converter

from pushin.ids import OpaqueIdConverter
from pushin.ops.views import healthz

# Before the includes below import their patterns: every object id in a URL is `<pid:...>`,
# an opaque public id (pushin/ids.py), never the sequential primary key.
register_converter(OpaqueIdConverter, "pid")

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # the load balancer's (pushin/ops/views.py)
    path("", include("pushin.accounts.urls")),
    path("users/", include("pushin.accounts.user_urls")),
    path("signin/", include("pushin.accounts.signin_urls")),  # single sign-on (oidc.py)
    path("password/", include("pushin.accounts.password_urls")),
    path("two-factor/", include("pushin.accounts.two_factor_urls")),
    path("audit/", include("pushin.accounts.audit_urls")),
    path("district/", include("pushin.district.urls")),
    path("caseload/", include("pushin.caseload.urls")),
    path("planning/", include("pushin.planning.urls")),
    path("collaboration/", include("pushin.collaboration.urls")),
    path("followups/", include("pushin.collaboration.followup_urls")),
    path("sessions/", include("pushin.sessions.urls")),
    path("minutes/", include("pushin.sessions.ledger_urls")),
    path("workload/", include("pushin.workload.urls")),
    path("progress/", include("pushin.progress.urls")),
    path("lessons/", include("pushin.lessons.urls")),
    path("watchlist/", include("pushin.watchlist.urls")),
    path("django-admin/", admin.site.urls),
]

# A query-string date a page cannot show is a 400 naming the parameter (pushin/query.py).
handler400 = "pushin.errors.bad_request"
