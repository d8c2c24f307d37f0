from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pushin.accounts.models import Role, User

# Where each role starts the day: the provider's sessions, the teacher's room, the
# para's carryover cards, the director's district view.
START_PAGE = {
    Role.PROVIDER: "sessions:today",
    Role.TEACHER: "collaboration:portal_home",
    Role.PARA: "collaboration:carryover",
    Role.ADMIN: "district:dashboard",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.PROVIDER and not hasattr(user, "provider"):
        return redirect("caseload:list")  # a provider account without its profile yet
    return redirect(START_PAGE.get(Role(user.role), "caseload:list"))
