"""The audit trail for the district administrator: the filtered, paged list, its CSV, and
how long the district keeps it. Everyone else gets a 404."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pushin.accounts import audit_trail
from pushin.accounts.models import AuditRetention, User
from pushin.caseload.models import Student
from pushin.district.models import District
from pushin.query import DateField


class TrailFilterForm(forms.Form):
    student = forms.CharField(
        required=False,
        max_length=32,
        label="Student number",
        help_text="The district's student number, e.g. S-0001.",
    )
    user = forms.CharField(
        required=False, max_length=150, label="User", help_text="A username (kept after deletion)."
    )
    start = DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, district: District, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.district = district

    def clean_student(self) -> Student | None:
        number = self.cleaned_data["student"].strip()
        if not number:
            return None
        student = Student.objects.filter(district=self.district, ref=number).first()
        if student is None:
            raise ValidationError(f"No student numbered “{number}” in the district.")
        return student

    def clean_user(self) -> str:
        return str(self.cleaned_data["user"]).strip()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            self.add_error("end", "The end date is before the start date.")
        return data

    def filters(self) -> audit_trail.TrailFilter:
        data = self.cleaned_data
        return audit_trail.TrailFilter(
            student=data.get("student"),
            username=data.get("user", ""),
            start=data.get("start"),
            end=data.get("end"),
        )


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        min_value=1,
        max_value=AuditRetention.MAX_YEARS,
        label="Keep entries for (years)",
        help_text="Older entries are deleted by the nightly audit_prune command, never by a page.",
    )


def _usernames(district: District) -> list[str]:
    return list(
        User.objects.filter(district=district)
        .order_by("username")
        .values_list("username", flat=True)
    )


def _administrator(request: HttpRequest) -> tuple[User, District]:
    """The signed-in administrator and their district; a 404 for anyone else, signed in
    or not (the page's address tells an outsider nothing)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("No such page")
    return user, audit_trail.audit_district_for(user)


@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    user, district = _administrator(request)
    form = TrailFilterForm(district, request.GET)
    context: dict[str, object] = {
        "district": district,
        "form": form,
        "usernames": _usernames(district),
        "retention_form": RetentionForm(initial={"years": audit_trail.retention_years(district)}),
        "page": None,
        "rows": [],
    }
    if not form.is_valid():
        return render(request, "accounts/audit_trail.html", context, status=400)
    filters = form.filters()
    entries = audit_trail.trail_entries(district=district, filters=filters)
    page = Paginator(entries, audit_trail.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = audit_trail.trail_rows(page.object_list, district=district)
    # After the page is read: this view's own entry is listed from the next view on.
    audit_trail.trail_read_audit(actor=user, district=district, filters=filters, page=page.number)
    context |= {"page": page, "rows": rows, "filtered": bool(filters.as_detail())}
    return render(request, "accounts/audit_trail.html", context)


@require_GET
def trail_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered trail as CSV, streamed, after one EXPORT entry naming the filters."""
    user, district = _administrator(request)
    form = TrailFilterForm(district, request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"Not exported: {text}")
        return redirect("audit:trail")
    filters = form.filters()
    entries = audit_trail.trail_entries(district=district, filters=filters)
    audit_trail.trail_read_audit(
        actor=user, district=district, filters=filters, page=0, export=True
    )
    response = StreamingHttpResponse(
        audit_trail.trail_csv_lines(entries, district=district),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp:%Y%m%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def retention_edit(request: HttpRequest) -> HttpResponse:
    user, district = _administrator(request)
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            policy = audit_trail.audit_retention_set(
                actor=user, district=district, years=form.cleaned_data["years"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"The audit trail is kept for {policy.years} years.")
    else:
        for errors in form.errors.values():
            for error_text in errors:
                messages.error(request, f"Retention not saved: {error_text}")
    return redirect("audit:trail")
