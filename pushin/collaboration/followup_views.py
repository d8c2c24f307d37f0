"""Follow-up pages and adapted-paper printables.

The provider's pages (list, new, one follow-up, retry, discard) answer 404 to everyone but
the provider of the session. The teacher's pages (inbox, acknowledge, reply) show only
follow-ups sent to that teacher. Paras and administrators get 404 for every follow-up
page. The printables are for anyone signed in with a staff role.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.accounts.models import Role, User
from pushin.collaboration import followups
from pushin.collaboration.models import FollowUp, FollowUpStatus
from pushin.collaboration.printables import (
    PRINTABLE_BANDS,
    PrintableError,
    PrintableKind,
    normalize_grade,
    normalize_kind,
    paper_pdf,
)
from pushin.sessions.access import dated_session_for_user, own_provider

CLINICAL_HELP = (
    "Adds the goal's wording, today's data and your session note. Leave it off unless "
    "the teacher needs them: the message then says what worked and what to try, in plain words."
)


class NewFollowUpForm(forms.Form):
    include_clinical = forms.BooleanField(
        required=False, label="Include clinical detail", help_text=CLINICAL_HELP
    )


class FollowUpForm(forms.ModelForm[FollowUp]):
    class Meta:
        model = FollowUp
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        labels = {"body": "Message"}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply",
        max_length=followups.REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a reply before sending it."},
    )


# --- The provider's pages ------------------------------------------------------------------


@login_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    own_provider(user)
    return render(
        request,
        "collaboration/followup_list.html",
        {"page": followups.provider_followups(actor=user, page=request.GET.get("page"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_new(request: HttpRequest, session_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    session = dated_session_for_user(user, session_pk)
    form = NewFollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            followup = followups.followup_draft(
                session=session,
                author=user,
                include_clinical=form.cleaned_data["include_clinical"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("followups:detail", pk=followup.pk)
    return render(
        request,
        "collaboration/followup_new.html",
        {
            "session": session,
            "form": form,
            "existing": followups.session_followups(actor=user, session=session),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    followup = followups.followup_for_provider(user, pk)
    form = FollowUpForm(instance=followup)
    if request.method == "POST":
        if followup.status != FollowUpStatus.DRAFT:
            messages.error(request, "This follow-up was already sent: it can no longer change.")
            return redirect("followups:detail", pk=followup.pk)
        action = request.POST.get("action", "save")
        if action == "redraft":
            include = request.POST.get("include_clinical") == "on"
            try:
                followups.followup_redraft(followup=followup, actor=user, include_clinical=include)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    "Written again with clinical detail."
                    if include
                    else "Written again without clinical detail.",
                )
            return redirect("followups:detail", pk=followup.pk)
        form = FollowUpForm(request.POST, instance=followup)
        if form.is_valid():
            fields = {"subject": form.cleaned_data["subject"], "body": form.cleaned_data["body"]}
            try:
                if action == "send":
                    followups.followup_send(followup=followup, actor=user, **fields)
                else:
                    followups.followup_update(followup=followup, actor=user, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Sent. The teacher sees it in Push-In now; the e-mail is on its way."
                    if action == "send"
                    else "Draft saved.",
                )
                return redirect("followups:detail", pk=followup.pk)
    page = followups.followup_read(actor=user, followup=followup)
    return render(
        request,
        "collaboration/followup_detail.html",
        {"page": page, "followup": page.followup, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def followup_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    followup = followups.followup_for_provider(user, pk)
    try:
        followups.followup_retry(followup=followup, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Trying the e-mail again now.")
    return redirect("followups:detail", pk=followup.pk)


@login_required
@require_POST
def followup_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    followup = followups.followup_for_provider(user, pk)
    try:
        followups.followup_discard(followup=followup, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("followups:detail", pk=followup.pk)
    messages.success(request, "Draft discarded.")
    return redirect("followups:list")


# --- The teacher's pages -------------------------------------------------------------------


def _require_teacher(user: User) -> None:
    if not user.is_active or user.role != Role.TEACHER:
        raise Http404("No such page")


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (the teacher portal), else the inbox."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("followups:inbox")


@login_required
@require_GET
def teacher_inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    _require_teacher(user)
    return render(
        request,
        "collaboration/followup_inbox.html",
        {
            "teacher_followups": followups.teacher_followups(
                user=user, page=request.GET.get("page")
            ),
            "in_inbox": True,
        },
    )


def _teacher_card(
    request: HttpRequest, followup: FollowUp, reply_form: ReplyForm | None = None
) -> HttpResponse:
    fresh = followups.followup_for_teacher(signed_in_user(request), followup.pk)
    return render(
        request,
        "collaboration/followup_teacher_card.html",
        {"f": fresh, "reply_form": reply_form, "next": request.POST.get("next", "")},
        status=400 if reply_form is not None and reply_form.errors else 200,
    )


@login_required
@require_POST
def followup_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    followup = followups.followup_for_teacher(user, pk)
    followups.followup_acknowledge(followup=followup, actor=user)
    if is_htmx(request):
        return _teacher_card(request, followup)
    messages.success(request, "Marked as read. The provider has been told.")
    return _back(request)


@login_required
@require_POST
def followup_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    followup = followups.followup_for_teacher(user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            followups.followup_reply(followup=followup, actor=user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
    if is_htmx(request):
        return _teacher_card(request, followup, form if form.errors else None)
    if form.errors:
        problems = " ".join(str(e) for e in form.errors.get("body", []))
        messages.error(request, f"Reply not sent: {problems}")
    else:
        messages.success(request, "Reply sent to the provider.")
    return _back(request)


# --- Printable adapted paper ---------------------------------------------------------------


def _require_staff(user: User) -> None:
    if not user.is_active or (
        user.role not in (Role.PROVIDER, Role.TEACHER, Role.PARA, Role.ADMIN)
        and not user.is_superuser
    ):
        raise Http404("No such page")


@login_required
@require_GET
def printables(request: HttpRequest) -> HttpResponse:
    """A page of every kind of paper, one link per grade band (preschool to transition)."""
    _require_staff(signed_in_user(request))
    return render(
        request,
        "collaboration/printables.html",
        {"kinds": PrintableKind.choices, "grades": PRINTABLE_BANDS},
    )


@login_required
@require_GET
def printable(request: HttpRequest) -> HttpResponse:
    """GET ?kind=raised_line&grade=2 -> the PDF, shown inline (one click to print)."""
    _require_staff(signed_in_user(request))
    try:
        kind = normalize_kind(request.GET.get("kind", ""))
        grade = normalize_grade(request.GET.get("grade", ""))
    except PrintableError as error:
        return render(
            request,
            "collaboration/printables.html",
            {"kinds": PrintableKind.choices, "grades": PRINTABLE_BANDS, "error": str(error)},
            status=400,
        )
    response = HttpResponse(paper_pdf(kind=kind, grade=grade), content_type="application/pdf")
    filename = f"{kind.replace('_', '-')}-paper-grade-{grade.lower()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=86400"
    return response
