"""Follow-ups to the teacher after a session: draft, edit, send, acknowledge, reply.

A follow-up is short and in plain words (what we worked on, what worked, one thing to try
before next time, what the provider will bring). Clinical detail (data, the session note,
the goal's wording) is left out unless the provider ticks "include clinical detail".

Who sees what:

- the provider of the session: every follow-up of their sessions (drafts included);
- the teacher it is addressed to: it, once the provider sent it (the Push-In page is a
  delivery channel of its own: it shows there even while the e-mail is still retrying);
- nobody else: not another provider or teacher, not the administrator, and not the paras.
  A follow-up is a note between the provider and the teacher and may hold clinical detail;
  paras get the strategies themselves on the students' carryover cards.

Every read and change writes audit entries, one per student of the session (ids only).
Sending goes through the task queue (`pushin.collaboration.tasks.followup_deliver`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import Goal
from pushin.collaboration.models import (
    FollowUp,
    FollowUpReply,
    FollowUpStatus,
    Notification,
    Outcome,
    Strategy,
    StrategyUse,
    StudentStrategy,
)
from pushin.collaboration.printables import (
    KIND_WORDS,
    PrintableError,
    PrintableKind,
    band_words,
    normalize_grade,
    ruling_for,
)
from pushin.sessions.models import DataKind, DataPoint, DatedSession, SessionStudent
from pushin.vocabulary import Domain, activity_label

# What a goal domain is about, in words a classroom teacher uses. Never the goal's text.
PLAIN_DOMAIN = {
    Domain.HANDWRITING: "handwriting (letter size, spacing and staying on the line)",
    Domain.FINE_MOTOR: "hand skills (grasp, cutting, managing materials)",
    Domain.SENSORY: "staying calm, focused and ready to learn",
    Domain.SOCIAL: "joining in and working with classmates",
    Domain.ATTENTION: "getting started and staying on task",
    Domain.SELF_CARE: "everyday routines (unpacking, lunch, getting ready)",
    Domain.MOTOR_PLANNING: "moving and planning movements",
    Domain.TRANSITIONS: "moving from one activity to the next",
    Domain.KEYBOARDING: "typing and using the computer",
    Domain.TEST_TAKING: "test-taking routines",
}
OUTCOME_WORDS = {
    Outcome.WORKED: "worked well",
    Outcome.PARTLY: "helped some of the time",
    Outcome.DID_NOT: "did not help this time, so I'll set it aside",
}
SERVICE_WORDS = {
    "OT": "OT",
    "COTA": "OT",
    "PT": "PT",
    "PTA": "PT",
    "SLP": "speech",
    "SLPA": "speech",
}
PROMPT_WORDS = {
    "independent": "no prompt",
    "verbal": "a verbal prompt",
    "visual": "a visual prompt",
    "gesture": "a gesture",
    "partial_physical": "some hands-on help",
    "full_physical": "full hands-on help",
}
VISIBLE_TO_TEACHER = [
    FollowUpStatus.QUEUED,
    FollowUpStatus.SENT,
    FollowUpStatus.FAILED,
    FollowUpStatus.GAVE_UP,
]
TEACHER_PAGE_SIZE = 20  # follow-ups a page of the teacher's shows; the portal, the first
PROVIDER_PAGE_SIZE = 50  # follow-ups a page of the provider's list shows
REPLY_MAX = 2000


# --- Access --------------------------------------------------------------------------------


def _followups() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(
        "session__classroom__school", "session__provider__user", "teacher", "author"
    ).prefetch_related(
        Prefetch("session__members", queryset=SessionStudent.objects.order_by("pk")),
        Prefetch("replies", queryset=FollowUpReply.objects.select_related("author")),
    )


def _is_provider(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PROVIDER)


def _is_teacher(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.TEACHER)


def followups_of_provider(user: User) -> QuerySet[FollowUp]:
    """Follow-ups of the signed-in provider's sessions; none for anyone else."""
    if not _is_provider(user):
        return FollowUp.objects.none()
    return _followups().filter(session__provider__user=user)


def followup_for_provider(user: User, pk: int) -> FollowUp:
    """A follow-up of one of the provider's own sessions; 404 for anything else."""
    try:
        return followups_of_provider(user).get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404("No such follow-up") from None


def followups_of_teacher(user: User) -> QuerySet[FollowUp]:
    """Sent follow-ups addressed to the signed-in teacher; none for anyone else."""
    if not _is_teacher(user):
        return FollowUp.objects.none()
    return _followups().filter(teacher=user, status__in=VISIBLE_TO_TEACHER)


def followup_for_teacher(user: User, pk: int) -> FollowUp:
    try:
        return followups_of_teacher(user).get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404("No such follow-up") from None


# --- Audit ---------------------------------------------------------------------------------


def _audit(
    actor: User | None,
    action: AuditAction,
    followups: Iterable[FollowUp],
    detail: dict[str, object] | None = None,
) -> None:
    """One entry per (follow-up, student of its session); ids only, one query."""
    who = actor if actor is not None and actor.is_authenticated else None
    entries = []
    for followup in followups:
        student_ids: list[int | None] = [
            *sorted({m.student_id for m in followup.session.members.all()})
        ] or [None]
        for student_id in student_ids:
            entries.append(
                AuditEntry(
                    actor=who,
                    action=action,
                    object_type=FollowUp._meta.label_lower,
                    object_id=str(followup.pk),
                    student_id=student_id,
                    detail={"session": followup.session_id, **(detail or {})},
                )
            )
    if entries:
        AuditEntry.objects.bulk_create(entries)


# --- Composing a draft ---------------------------------------------------------------------


@dataclass(frozen=True)
class Printable:
    kind: str
    grade: str

    @property
    def words(self) -> str:
        kind = PrintableKind(self.kind)
        ruling = ruling_for(self.grade)
        return f"{KIND_WORDS[kind]} ({band_words(ruling)}, {ruling.label})"

    @property
    def query(self) -> str:
        return f"kind={self.kind}&grade={self.grade}"


@dataclass
class Draft:
    subject: str
    body: str
    teacher: User
    printables: list[Printable] = field(default_factory=list)


def _first_step(how_to: str) -> str:
    """The first step of a how-to, without its list marker: '1. Tape the paper' -> 'Tape...'."""
    for line in how_to.splitlines():
        text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if text:
            return text if text.endswith((".", "!", "?")) else text + "."
    return ""


def _minutes_seconds(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def _data_words(points: Sequence[DataPoint]) -> list[str]:
    """The session's data for one goal in plain words: '8 of 10 tries correct'."""
    words: list[str] = []
    by_kind: dict[str, list[DataPoint]] = defaultdict(list)
    for point in points:
        by_kind[point.kind].append(point)
    trials = [p for p in by_kind[DataKind.TRIAL] if p.correct is not None]
    if trials:
        correct = sum(1 for p in trials if p.correct)
        words.append(f"{correct} of {len(trials)} tries correct")
    prompts = Counter(p.prompt for p in by_kind[DataKind.PROMPT] if p.prompt)
    if prompts:
        parts = [f"{PROMPT_WORDS.get(k, k)} {n}x" for k, n in prompts.most_common()]
        words.append("needed " + ", ".join(parts))
    rubric = [p.value for p in by_kind[DataKind.RUBRIC] if p.value is not None]
    if rubric:
        words.append("rubric scores " + ", ".join(str(v) for v in rubric))
    durations = [p.value for p in by_kind[DataKind.DURATION] if p.value is not None]
    if durations:
        words.append("timed " + ", ".join(_minutes_seconds(v) for v in durations))
    counts = [p.value for p in by_kind[DataKind.FREQUENCY] if p.value is not None]
    if counts:
        words.append("counted " + ", ".join(str(v) for v in counts))
    words.extend(p.text.strip() for p in by_kind[DataKind.NARRATIVE] if p.text.strip())
    return words


def _session_records(session: DatedSession) -> list[SessionStudent]:
    return list(
        SessionStudent.objects.filter(session=session)
        .select_related("student__classroom", "focus_goal", "strategy")
        .prefetch_related(
            Prefetch(
                "data", queryset=DataPoint.objects.select_related("goal").order_by("recorded_at")
            ),
            Prefetch(
                "strategy_uses",
                queryset=StrategyUse.objects.select_related("student_strategy__strategy"),
            ),
        )
        .order_by("student__last_name", "student__first_name", "pk")
    )


def followup_compose(*, session: DatedSession, include_clinical: bool) -> Draft:
    """Subject and body of a follow-up for the session's classroom teacher (not saved)."""
    classroom = session.classroom
    teacher = classroom.teacher
    if teacher is None:
        raise ValidationError(
            f"{classroom.name} has no teacher on record: add the teacher to the classroom first."
        )
    records = [
        r
        for r in _session_records(session)
        if r.student.classroom_id is None or r.student.classroom_id == classroom.pk
        # A student from another room is not this teacher's student: not in this message.
    ]
    student_ids = [r.student_id for r in records]
    carryover: dict[int, list[StudentStrategy]] = defaultdict(list)
    for chosen in StudentStrategy.objects.filter(
        student_id__in=student_ids, active=True, carryover=True
    ).select_related("strategy"):
        carryover[chosen.student_id].append(chosen)
    goals: dict[int, list[Goal]] = defaultdict(list)
    for goal in Goal.objects.filter(iep__student_id__in=student_ids).select_related("iep"):
        goals[goal.iep.student_id].append(goal)

    service = SERVICE_WORDS.get(session.provider.discipline, session.provider.discipline)
    when = f"{session.date:%A} {session.date.day} {session.date:%B}"
    activity = activity_label(session.activity)
    if activity and not activity[:2].isupper():  # "Writing" -> "writing"; "PE / recess" stays
        activity = activity[0].lower() + activity[1:]
    during = f" during {activity}" if activity else ""
    lines = [
        f"Hi {teacher.first_name or teacher.display_name},",
        "",
        f"Thank you for having me in {classroom.name}{during} on {when}. "
        "Here is a quick note on how it went.",
    ]
    printables: list[Printable] = []
    absent: list[str] = []
    for record in records:
        name = record.student.first_name
        if record.attendance and record.attendance != "delivered":
            absent.append(name)
            continue
        lines += ["", name]
        lines += _student_lines(record, goals[record.student_id], include_clinical)
        tried = _try_next(record, carryover[record.student_id])
        if tried is not None:
            step = _first_step(tried.how_to)
            lines.append(f"- One thing to try before next time: {tried.name}. {step}".rstrip())
        grade = record.student.grade or classroom.grade
        for strategy in _strategies_of(record, tried):
            printable = _printable(strategy, grade)
            if printable is not None and printable not in printables:
                printables.append(printable)
    if absent:
        who = ", ".join(absent)
        lines += ["", f"{who} missed this session; we'll pick it up next time."]
    if printables:
        lines.append("")
        for printable in printables:
            lines.append(f"I'll bring printed {printable.words} for the class to use.")
    lines += [
        "",
        "Reply here or in Push-In if anything comes up before next time.",
        "",
        "Thanks,",
        session.provider.user.display_name,
        f"{service} ({session.provider.discipline})"
        if service != session.provider.discipline
        else service,
    ]
    subject = f"{service} follow-up: {classroom.name}, {when}"
    return Draft(
        subject=subject[:150], body="\n".join(lines), teacher=teacher, printables=printables
    )


def _student_lines(record: SessionStudent, goals: list[Goal], include_clinical: bool) -> list[str]:
    lines: list[str] = []
    domains: list[str] = []
    worked_on = [record.focus_goal] if record.focus_goal is not None else []
    worked_on += [p.goal for p in record.data.all()]
    for goal in worked_on or goals[:1]:
        words = PLAIN_DOMAIN.get(Domain(goal.domain), goal.get_domain_display())
        if words not in domains:
            domains.append(words)
    if domains:
        lines.append("- What we worked on: " + "; ".join(domains) + ".")
    worked: list[str] = []
    used: set[int] = set()
    rank = {Outcome.WORKED: 0, Outcome.PARTLY: 1, Outcome.DID_NOT: 2}
    uses = [u for u in record.strategy_uses.all() if u.outcome]
    for use in sorted(uses, key=lambda u: (rank[Outcome(u.outcome)], u.pk)):
        strategy = use.student_strategy.strategy
        if strategy.pk not in used:
            used.add(strategy.pk)
            worked.append(f"{strategy.name} {OUTCOME_WORDS[Outcome(use.outcome)]}")
    if worked:
        text = "; ".join(worked)
        lines.append(f"- What worked: {text[0].upper()}{text[1:]}.")
    if record.strategy is not None and record.strategy_id not in used:
        lines.append(f"- What we used: {record.strategy.name}.")
    if include_clinical:
        if record.strategy_text.strip():
            lines.append(f"- Plan: {record.strategy_text.strip()}")
        for goal in _unique(g for g in [record.focus_goal, *(p.goal for p in record.data.all())]):
            lines.append(f"- Goal: {goal.text.strip()}")
            data = _data_words([p for p in record.data.all() if p.goal_id == goal.pk])
            if data:
                lines.append("- Today: " + "; ".join(data) + ".")
        if record.note.strip():
            lines.append(f"- Notes: {record.note.strip()}")
    return lines


def _unique(goals: Iterable[Goal | None]) -> list[Goal]:
    seen: dict[int, Goal] = {}
    for goal in goals:
        if goal is not None and goal.pk not in seen:
            seen[goal.pk] = goal
    return list(seen.values())


def _try_next(record: SessionStudent, chosen: list[StudentStrategy]) -> Strategy | None:
    """The carryover strategy to try: one that worked today, else the first on the card."""
    if not chosen:
        return None
    worked = {
        use.student_strategy.strategy_id
        for use in record.strategy_uses.all()
        if use.outcome in (Outcome.WORKED, Outcome.PARTLY)
    }
    for item in chosen:
        if item.strategy_id in worked:
            return item.strategy
    return chosen[0].strategy


def _strategies_of(record: SessionStudent, tried: Strategy | None) -> list[Strategy]:
    found = [use.student_strategy.strategy for use in record.strategy_uses.all()]
    if record.strategy is not None:
        found.append(record.strategy)
    if tried is not None:
        found.append(tried)
    return found


def _printable(strategy: Strategy, grade: str) -> Printable | None:
    if strategy.printable not in PrintableKind.values:
        return None
    try:
        grade = normalize_grade(grade)
    except PrintableError:
        grade = "2"  # a student and classroom without a grade: a middle ruling
    return Printable(kind=strategy.printable, grade=grade)


# --- Services ------------------------------------------------------------------------------


def _locked(followup: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=followup.pk)


def _clean_text(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join(subject.split())
    body = body.strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = "Write a subject line."
    elif len(subject) > 150:
        errors["subject"] = "Keep the subject under 150 characters."
    if not body:
        errors["body"] = "Write the message."
    if errors:
        raise ValidationError(errors)
    return subject, body


@transaction.atomic
def followup_draft(
    *, session: DatedSession, author: User, include_clinical: bool = False
) -> FollowUp:
    """A new draft follow-up of `session` to its classroom teacher, ready to edit."""
    draft = followup_compose(session=session, include_clinical=include_clinical)
    followup = FollowUp.objects.create(
        session=session,
        author=author,
        teacher=draft.teacher,
        subject=draft.subject,
        body=draft.body,
        include_clinical=include_clinical,
    )
    _audit(author, AuditAction.CREATE, [followup], {"include_clinical": include_clinical})
    return followup


@transaction.atomic
def followup_redraft(*, followup: FollowUp, actor: User, include_clinical: bool) -> FollowUp:
    """Compose the draft again (with or without clinical detail); edits are replaced."""
    locked = _locked(followup)
    if locked.status != FollowUpStatus.DRAFT:
        raise ValidationError("This follow-up was already sent: it can no longer change.")
    draft = followup_compose(session=followup.session, include_clinical=include_clinical)
    locked.subject, locked.body = draft.subject, draft.body
    locked.teacher = draft.teacher
    locked.include_clinical = include_clinical
    locked.save(update_fields=["subject", "body", "teacher", "include_clinical"])
    _audit(
        actor,
        AuditAction.UPDATE,
        [followup],
        {"fields": ["subject", "body", "include_clinical"], "include_clinical": include_clinical},
    )
    return locked


@transaction.atomic
def followup_update(*, followup: FollowUp, actor: User, subject: str, body: str) -> FollowUp:
    """Save the provider's edits to a draft."""
    locked = _locked(followup)
    if locked.status != FollowUpStatus.DRAFT:
        raise ValidationError("This follow-up was already sent: it can no longer change.")
    locked.subject, locked.body = _clean_text(subject, body)
    locked.save(update_fields=["subject", "body"])
    _audit(actor, AuditAction.UPDATE, [followup], {"fields": ["subject", "body"]})
    return locked


@transaction.atomic
def followup_discard(*, followup: FollowUp, actor: User) -> None:
    """Delete a draft that will not be sent."""
    locked = _locked(followup)
    if locked.status != FollowUpStatus.DRAFT:
        raise ValidationError("Only a draft can be discarded; a sent follow-up stays on record.")
    _audit(actor, AuditAction.DELETE, [followup])
    locked.delete()


def _enqueue(followup_id: int) -> None:
    from pushin.collaboration.tasks import followup_deliver

    # Enqueued inside the transaction: with the database queue the task row commits (or
    # rolls back) together with the status, so a queued follow-up always has its task.
    followup_deliver.enqueue(followup_id)


@transaction.atomic
def followup_send(
    *,
    followup: FollowUp,
    actor: User,
    subject: str | None = None,
    body: str | None = None,
) -> FollowUp:
    """Send a draft (with the provider's last edits, if given): it shows in the teacher's
    Push-In page at once, and the e-mail goes out through the task queue."""
    locked = _locked(followup)
    if locked.status != FollowUpStatus.DRAFT:
        raise ValidationError("This follow-up was already sent.")
    if locked.teacher_id is None:
        raise ValidationError("This follow-up has no teacher to send it to.")
    locked.subject, locked.body = _clean_text(
        locked.subject if subject is None else subject, locked.body if body is None else body
    )
    locked.status = FollowUpStatus.QUEUED
    locked.attempts = 0
    locked.last_error = ""
    locked.save(update_fields=["subject", "body", "status", "attempts", "last_error"])
    _audit(actor, AuditAction.UPDATE, [followup], {"fields": ["status"], "status": "queued"})
    _enqueue(locked.pk)
    return locked


@transaction.atomic
def followup_retry(*, followup: FollowUp, actor: User) -> FollowUp:
    """Try the e-mail again now. After giving up, the count of attempts starts over.

    A follow-up still "sending" past the e-mail lease (its worker stopped mid-send) is put
    back to "not sent" first (pushin/collaboration/recovery.py), then retried."""
    from pushin.collaboration.recovery import followup_lease_expired, followup_release
    from pushin.leases import email_lease

    locked = _locked(followup)
    if followup_lease_expired(locked):
        now = timezone.now()
        followup_release(locked.pk, now=now, claimed_before=now - email_lease())
        locked = _locked(followup)
    if locked.status not in (FollowUpStatus.FAILED, FollowUpStatus.GAVE_UP):
        raise ValidationError("Only a follow-up whose e-mail failed can be retried.")
    if locked.status == FollowUpStatus.GAVE_UP:
        locked.attempts = 0
        locked.status = FollowUpStatus.QUEUED
        locked.save(update_fields=["attempts", "status"])
    # A failed one keeps status and count: whichever task runs first claims the attempt.
    _audit(actor, AuditAction.UPDATE, [followup], {"fields": ["status"], "retry": True})
    _enqueue(locked.pk)
    return locked


def _notify_provider(followup: FollowUp, text: str) -> None:
    recipient = followup.author or followup.session.provider.user
    Notification.objects.create(
        recipient=recipient,
        text=text[:300],
        link=reverse("followups:detail", args=[followup.pk]),
    )


def _about(followup: FollowUp) -> str:
    """'your follow-up of Monday 30 November (Room 2A)': rooms and dates, never names."""
    date: dt.date = followup.session.date
    return f"your follow-up of {date:%A} {date.day} {date:%B} ({followup.session.classroom.name})"


@transaction.atomic
def followup_acknowledge(*, followup: FollowUp, actor: User) -> FollowUp:
    """The teacher has read it. Tells the provider once."""
    locked = _locked(followup)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["acknowledged_at"])
        _notify_provider(followup, f"The teacher acknowledged {_about(followup)}.")
        _audit(actor, AuditAction.UPDATE, [followup], {"fields": ["acknowledged_at"]})
    return locked


@transaction.atomic
def followup_reply(*, followup: FollowUp, actor: User, body: str) -> FollowUpReply:
    """The teacher answers; that also acknowledges the follow-up."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write a reply before sending it."})
    if len(text) > REPLY_MAX:
        raise ValidationError({"body": f"Keep the reply under {REPLY_MAX} characters."})
    locked = _locked(followup)
    reply = FollowUpReply.objects.create(followup=locked, author=actor, body=text)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["acknowledged_at"])
    _notify_provider(followup, f"The teacher replied to {_about(followup)}.")
    _audit(actor, AuditAction.CREATE, [followup], {"reply": reply.pk})
    return reply


# --- Reads (each leaves audit entries) -----------------------------------------------------


@dataclass
class FollowUpPage:
    followup: FollowUp
    printables: list[Printable]


def followup_read(*, actor: User, followup: FollowUp) -> FollowUpPage:
    """The provider's page of one follow-up: it, what to print, its siblings."""
    _audit(actor, AuditAction.READ, [followup])
    printables: list[Printable] = []
    if followup.teacher_id is not None:
        try:
            printables = followup_compose(
                session=followup.session, include_clinical=False
            ).printables
        except ValidationError:
            printables = []
    return FollowUpPage(followup=followup, printables=printables)


def session_followups(*, actor: User, session: DatedSession) -> list[FollowUp]:
    """The follow-ups already written for a session (the 'new follow-up' page lists them)."""
    found = list(followups_of_provider(actor).filter(session=session))
    _audit(actor, AuditAction.READ, found)
    return found


def provider_followups(
    *, actor: User, page: int | str | None = None, per_page: int = PROVIDER_PAGE_SIZE
) -> Page[FollowUp]:
    """One page (1 when missing or out of range) of the provider's follow-ups, newest
    first, with their status; the reads of those shown are audited."""
    found = Paginator(followups_of_provider(actor).order_by("-created_at", "-pk"), per_page)
    shown = found.get_page(page)
    _audit(actor, AuditAction.READ, list(shown.object_list))
    return shown


def teacher_followups(
    *, user: User, page: int | str | None = None, per_page: int = TEACHER_PAGE_SIZE
) -> Page[FollowUp]:
    """One page (1 when missing or out of range) of the follow-ups sent to the signed-in
    teacher, newest first, with replies; the reads of those shown are audited.

    The teacher portal puts the first page in its context as `teacher_followups` and
    includes `collaboration/_followups_for_teacher.html`, which links to the older ones
    in the inbox. Anyone but a teacher gets an empty page.
    """
    found = Paginator(followups_of_teacher(user).order_by("-created_at", "-pk"), per_page)
    shown = found.get_page(page)
    _audit(user, AuditAction.READ, list(shown.object_list))
    return shown


def teacher_followup_read(*, user: User, followup: FollowUp) -> FollowUp:
    _audit(user, AuditAction.READ, [followup])
    return followup
