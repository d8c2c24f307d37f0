"""Who gets what: every route of the URL configuration, as every persona.

The routes come from the URL configuration itself (`routes()` of the "reading never
writes" walk, through every include); the world is that walk's rich world
(tests/core/rich_world.py) plus a COTA supervised by the provider, with a student and a
session of their own, and a second district with its administrator and a provider.

`EXPECTED` has a row per route and object ("route@object", the object's ids from
`TARGETS`, the URL from `reverse`): the method, then the outcome for each persona in the
order of `PERSONAS` (ano pro oth cot tch ott par adm ad2 pr2):

    200, 400, 403, 404, 405   that status         L   302 to the sign-in page
    302   a redirect elsewhere                    A   302 to the Django admin's sign-in
    ok    allowed (POSTs): not refused, whatever the empty form answered

A GET row is requested with GET; a persona refused there (L, A, 403, 404) is also sent a
POST, which must be refused too. A POST row is a route that takes only POST: each persona
posts, and GET answers 405 (or the sign-in page). `FORM_POSTS` says who may post to a
page that also answers GET. POSTs are empty (`POST_DATA` names an action where a page
needs one). Every request runs in a savepoint rolled back after it, and a GET or a
refused POST that wrote anything is reported (the tables are compared as in the walk).

The Django admin is one rule (`ADMIN`): its pages are the staff's, and no persona is.

A route without a row fails, naming the route; so does a row whose route is gone. The
failure message prints every observed row in the tables' format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, reset_queries, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.caseload.models import Service, Student
from pushin.district.models import ActivityBlock, Classroom, District, Provider, School
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.vocabulary import Discipline
from tests.core.rich_world import RichWorld, rich_world
from tests.core.test_get_never_writes import (
    Route,
    Snapshot,
    _admin_args,
    _is_admin,
    _url,
    may_write,
    reset_link_args,
    routes,
    skipped_db_tables,
)
from tests.factories import make_provider, make_student, make_user
from tests.signing_in import authenticator_if_needed, force_login

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "provider",  # the OT of `student`; supervises `assistant`
    "other_provider",  # another OT of the district, serving `other_student`
    "assistant",  # a COTA supervised by `provider`, serving `assistant_student` only
    "teacher",  # teaches `classroom` (student's and assistant_student's room)
    "other_teacher",
    "para",  # supports `student`
    "admin",  # the district's administrator
    "district2_admin",  # another district's administrator
    "district2_provider",  # another district's OT
)


@dataclass
class MatrixWorld:
    rich: RichWorld
    assistant: Provider
    assistant_student: Student
    assistant_session: DatedSession
    district2: District
    district2_admin: User
    district2_provider: Provider
    other_block: ActivityBlock  # a block of `other_classroom`
    other_service: Service  # `other_student`'s service
    other_record: SessionStudent  # `other_student`'s record in `other_session`

    def __getattr__(self, name: str) -> Any:  # the rich world's objects, then its World's
        rich = self.__dict__["rich"]
        return getattr(rich, name) if hasattr(rich, name) else getattr(rich.world, name)

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        person = getattr(self, persona)
        return person.user if isinstance(person, Provider) else person


def matrix_world(rich: RichWorld) -> MatrixWorld:
    world = rich.world
    assistant = make_provider("assistant", world.district, discipline=Discipline.COTA)
    assistant.supervisor = world.provider
    assistant.save(update_fields=["supervisor"])
    assistant_student = make_student(
        ref="S-0003", classroom=world.classroom, provider=assistant, first_name="Casey"
    )
    assistant_session = DatedSession.objects.create(
        provider=assistant,
        classroom=world.classroom,
        date=dt.date(2026, 11, 30),
        start=dt.time(11),
        end=dt.time(11, 30),
        activity="writing",
        status=SessionStatus.LOGGED,
    )
    SessionStudent.objects.create(
        session=assistant_session, student=assistant_student, minutes_delivered=30
    )

    district2 = District.objects.create(
        name="Elsewhere Unified",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    school2 = School.objects.create(district=district2, name="Birch Elementary", code="birch")
    room2 = Classroom.objects.create(school=school2, name="Room 3C", code="3c", grade="3")
    district2_provider = make_provider("d2provider", district2)
    make_student(ref="E-0001", classroom=room2, provider=district2_provider, first_name="Drew")
    return MatrixWorld(
        other_block=ActivityBlock.objects.filter(classroom=world.other_classroom).earliest("pk"),
        other_service=Service.objects.get(iep__student=world.other_student),
        other_record=SessionStudent.objects.get(session=rich.other_session),
        rich=rich,
        assistant=assistant,
        assistant_student=assistant_student,
        assistant_session=assistant_session,
        district2=district2,
        district2_admin=make_user("d2admin", Role.ADMIN, district2),
        district2_provider=district2_provider,
    )


Args = dict[str, Any]

# The objects a row is about -> the route's arguments (ids only; `reverse` builds the URL).
TARGETS: dict[str, Callable[[MatrixWorld], Args]] = {
    "": lambda m: {},
    "teacher": lambda m: {"pk": m.teacher.pk},  # a user account of the district
    "reset_link": lambda m: reset_link_args(m.teacher),  # the teacher's set-password link
    "classroom": lambda m: {"pk": m.classroom.pk},
    "classroom.block": lambda m: {"pk": m.classroom.pk, "block_pk": m.mon_block.pk},
    "classroom.exception": lambda m: {"pk": m.classroom.pk, "exception_pk": m.exception.pk},
    "provider": lambda m: {"pk": m.provider.pk},
    "assistant": lambda m: {"pk": m.assistant.pk},
    "student": lambda m: {"pk": m.student.pk},
    "assistant_student": lambda m: {"pk": m.assistant_student.pk},
    "student.service": lambda m: {"pk": m.student.pk, "service_pk": m.service.pk},
    "goal": lambda m: {"pk": m.goal.pk},
    "fit_cell": lambda m: {"domain": "handwriting", "activity": "writing"},
    "run": lambda m: {"pk": m.run.pk},
    "queued_run": lambda m: {"pk": m.queued_run.pk},
    "weekly": lambda m: {"pk": m.weekly.pk},
    "feed": lambda m: {"token": m.provider.calendar_token},
    "unknown_feed": lambda m: {"token": "x" * 40},
    "starter": lambda m: {"pk": m.starter.pk},  # a starter strategy, on the student's cards
    "strategy": lambda m: {"pk": m.strategy.pk},  # the provider's own, not on any card
    "link": lambda m: {"pk": m.link.pk},  # the student's slant board card
    "notification": lambda m: {"pk": m.notification.pk},  # the provider's
    "logged": lambda m: {"pk": m.logged.pk},
    "logged_session": lambda m: {"session_pk": m.logged.pk},
    "draft": lambda m: {"pk": m.draft.pk},  # the provider's follow-up, not sent
    "sent": lambda m: {"pk": m.sent.pk},  # the provider's follow-up, sent to `teacher`
    "signed": lambda m: {"pk": m.signed.pk},
    "signed.record": lambda m: {"pk": m.signed.pk, "record_pk": m.signed_record.pk},
    "logged.record": lambda m: {"pk": m.logged.pk, "record_pk": m.logged_record.pk},
    "ahead": lambda m: {"pk": m.ahead.pk},
    "assistant_session": lambda m: {"pk": m.assistant_session.pk},
    "provider.makeup_run": lambda m: {"pk": m.provider.pk, "run_pk": m.makeup_run.pk},
    "provider.queued_makeup_run": lambda m: {
        "pk": m.provider.pk,
        "run_pk": m.queued_makeup_run.pk,
    },
    "school": lambda m: {"pk": m.school.pk},
    "paper": lambda m: {},
    # Two ids of which only the first is the persona's: the second must not come along.
    "classroom.other_block": lambda m: {"pk": m.classroom.pk, "block_pk": m.other_block.pk},
    "other_classroom.exception": lambda m: {
        "pk": m.other_classroom.pk,
        "exception_pk": m.exception.pk,
    },
    "student.other_service": lambda m: {"pk": m.student.pk, "service_pk": m.other_service.pk},
    "logged.other_record": lambda m: {"pk": m.logged.pk, "record_pk": m.other_record.pk},
    "assistant.makeup_run": lambda m: {"pk": m.assistant.pk, "run_pk": m.makeup_run.pk},
    "provider.whatif_run": lambda m: {"pk": m.provider.pk, "run_pk": m.whatif_run.pk},
    "provider.queued_whatif_run": lambda m: {
        "pk": m.provider.pk,
        "run_pk": m.queued_whatif_run.pk,
    },
    # The provider's what-if under the assistant's id: it must not come along.
    "assistant.whatif_run": lambda m: {"pk": m.assistant.pk, "run_pk": m.whatif_run.pk},
    "indirect": lambda m: {"pk": m.indirect.pk},  # the provider's indirect time entry
    "report": lambda m: {"pk": m.report.pk},  # the student's Q2 report, signed, shared
    "draft_report": lambda m: {"pk": m.draft_report.pk},  # the student's Q1 report, a draft
    "draft_report.goal": lambda m: {"pk": m.draft_report.pk, "goal_pk": m.goal.pk},
    "lesson_request": lambda m: {"pk": m.lesson_request.pk},  # the teacher's, for classroom
    "weekly_lesson": lambda m: {"pk": m.weekly_lesson.pk},  # the provider's, in classroom
    "service": lambda m: {"pk": m.service.pk},  # the student's OT service
    "watch_entry": lambda m: {"pk": m.watch_entry.pk},  # Room 2A's, noted by `teacher`
}
QUERIES = {"paper": "?kind=raised_line&grade=2"}
# What a POST to a route carries: empty, but for pages that answer an unknown "action"
# with a 404 (which would look like a refusal); these name one whose form is then invalid.
POST_DATA = {
    "district:settings": {"action": "closure_add"},
    "district:availability": {"action": "window_add"},
}

# fmt: off
EXPECTED: dict[str, str] = {
    #                                                   ano pro oth cot tch ott par adm ad2 pr2
    # Signing in and out; the front door sends each role to its start page.
    "home":                                       "GET  L   302 302 302 302 302 302 302 302 302",
    "login":                                      "GET  200 302 302 302 302 302 302 302 302 302",
    "logout":                                     "POST L   L   L   L   L   L   L   L   L   L",
    # Single sign-on (pushin/accounts/oidc.py): not configured here, so there is none; the
    # district's sign-in settings (password sign-in on or off) are its administrator's.
    "signin:sso":                                 "GET  404 404 404 404 404 404 404 404 404 404",
    "signin:sso_callback":                        "GET  404 404 404 404 404 404 404 404 404 404",
    "signin:settings":                            "GET  L   404 404 404 404 404 404 200 200 404",
    # Passwords (pushin/accounts/passwords.py): one's own change; the reset request and a
    # set-your-password link are anyone's (the link's token moves into the session: 302).
    "password:change":                            "GET  L   200 200 200 200 200 200 200 200 200",
    "password:changed":                           "GET  L   200 200 200 200 200 200 200 200 200",
    "password:reset":                             "GET  200 200 200 200 200 200 200 200 200 200",
    "password:set@reset_link":                    "GET  302 302 302 302 302 302 302 302 302 302",
    "password:set_done":                          "GET  200 200 200 200 200 200 200 200 200 200",
    # Two-factor sign-in: one's own setup; the code page sends a sign-in owing nothing on.
    "two_factor:home":                            "GET  L   200 200 200 200 200 200 200 200 200",
    "two_factor:verify":                          "GET  L   302 302 302 302 302 302 302 302 302",
    "two_factor:policy":                          "GET  L   404 404 404 404 404 404 200 200 404",
    # The load balancer's health check: no data, anyone (pushin/ops/views.py).
    "healthz":                                    "GET  200 200 200 200 200 200 200 200 200 200",
    # The district administrator's: users, the audit trail (a 404 even signed out), settings.
    "accounts:users":                             "GET  L   404 404 404 404 404 404 200 200 404",
    "accounts:user_create":                       "GET  L   404 404 404 404 404 404 200 200 404",
    "accounts:user_edit@teacher":                 "GET  L   404 404 404 404 404 404 200 404 404",
    "audit:trail":                                "GET  404 404 404 404 404 404 404 200 200 404",
    "audit:export":                               "GET  404 404 404 404 404 404 404 200 200 404",
    "audit:retention":                            "POST 404 404 404 404 404 404 404 ok  ok  404",
    "district:dashboard":                         "GET  L   404 404 404 404 404 404 200 200 404",
    "district:settings":                          "GET  L   404 404 404 404 404 404 200 200 404",
    # Schools and rooms: providers read the district's and edit any room's timetable, as its
    # administrator does (the timetable import is stricter: a provider's touches only rooms
    # where they serve students); a teacher their own room; a para none. A COTA is a provider.
    "district:schools":                           "GET  L   200 200 200 404 404 404 200 200 200",
    "district:classrooms":                        "GET  L   200 200 200 302 302 404 200 200 200",
    "district:timetable@classroom":               "GET  L   200 200 200 200 404 404 200 404 404",
    "district:block_create@classroom":            "POST L   ok  403 ok  ok  404 404 ok  404 404",
    "district:block_edit@classroom.block":        "GET  L   200 403 200 200 404 404 200 404 404",
    "district:block_edit@classroom.other_block":  "GET  L   404 403 404 404 404 404 404 404 404",
    "district:exception_create@classroom":        "POST L   ok  403 ok  ok  404 404 ok  404 404",
    "district:exception_delete@classroom.exception":
                                                  "POST L   ok  403 ok  ok  404 404 ok  404 404",
    "district:exception_delete@other_classroom.exception":
                                                  "POST L   403 404 403 404 404 404 404 404 404",
    # A provider's week: their own, their supervisor's view of it, the administrator's.
    "district:availability@provider":             "GET  L   200 404 404 404 404 404 200 404 404",
    "district:availability@assistant":            "GET  L   200 404 200 404 404 404 200 404 404",
    "district:import_timetables":                 "GET  L   200 200 200 404 404 404 200 200 200",
    # The OneRoster roster import: the district administrator only.
    "district:import_roster":                     "GET  L   404 404 404 404 404 404 200 200 404",
    # Students: the providers serving them, the teacher of their room, their para, the
    # district administrator. Today a COTA sees only the students they serve, not their
    # supervising OT's, and the supervising OT does not open the COTA's students either.
    "caseload:list":                              "GET  L   200 200 200 200 200 200 200 200 200",
    "caseload:student@student":                   "GET  L   200 404 404 200 404 200 200 404 404",
    "caseload:student@assistant_student":         "GET  L   404 404 200 200 404 404 200 404 404",
    "caseload:student_comfort@student":           "POST L   ok  404 404 403 404 403 403 404 404",
    "caseload:mandate_amend@student.service":     "GET  L   200 404 404 403 404 404 200 404 404",
    "caseload:mandate_amend@student.other_service":
                                                  "GET  L   404 404 404 404 404 404 404 404 404",
    "caseload:goal_fit@goal":                     "POST L   ok  404 404 403 404 404 404 404 404",
    "caseload:fit_table":                         "GET  L   200 200 200 404 404 404 200 200 200",
    "caseload:fit_cell@fit_cell":                 "GET  L   200 200 200 404 404 404 200 200 200",
    "caseload:import_students":                   "GET  L   200 200 200 404 404 404 200 200 200",
    # Privacy requests (docs/privacy.md): the district administrator's only.
    "caseload:privacy":                            "GET  L   404 404 404 404 404 404 200 200 404",
    "caseload:privacy_student@student":            "GET  L   404 404 404 404 404 404 200 404 404",
    "caseload:privacy_export@student":             "POST L   404 404 404 404 404 404 ok  404 404",
    "caseload:privacy_deactivate@student":         "POST L   404 404 404 404 404 404 ok  404 404",
    "caseload:privacy_delete@student":             "POST L   404 404 404 404 404 404 ok  404 404",
    # Goal progress (graphs of the data): the student's providers and the district's
    # administrator; teachers and paras never see data.
    "progress:student@student":                   "GET  L   200 404 404 404 404 404 200 404 404",
    "progress:student@assistant_student":         "GET  L   404 404 200 404 404 404 200 404 404",
    # Planning: the provider themself and the district administrator plan and change; a
    # supervising OT sees the COTA's week but does not plan it. The administrator's
    # calendar page renews or turns off the feed but does not show its secret address.
    "planning:home":                              "GET  L   302 302 302 404 404 404 200 200 302",
    "planning:run_create":                        "POST L   ok  ok  ok  404 404 404 ok  ok  ok",
    "planning:run@run":                           "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:run_progress@run":                  "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:run_accept@run":                    "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:run_reject@run":                    "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:run_cancel@queued_run":             "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:run_again@run":                     "POST L   ok  404 404 404 404 404 ok  404 404",
    # Anytime planning: take the best plan so far (accept now, stop here), keep improving.
    "planning:run_accept_now@queued_run":         "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:run_stop@queued_run":               "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:run_improve@run":                   "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:provider@provider":                 "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:provider@assistant":                "GET  L   200 404 200 404 404 404 200 404 404",
    "planning:schedule@provider":                 "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:schedule@assistant":                "GET  L   200 404 200 404 404 404 200 404 404",
    "planning:replan@provider":                   "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:calendar@provider":                 "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:session_move@weekly":               "GET  L   200 404 404 404 404 404 200 404 404",
    "planning:session_pin@weekly":                "POST L   ok  404 404 404 404 404 ok  404 404",
    # The calendar feed signs in to nothing: its secret address is the key, for anyone.
    "planning:calendar_feed@feed":                "GET  200 200 200 200 200 200 200 200 200 200",
    "planning:calendar_feed@unknown_feed":        "GET  404 404 404 404 404 404 404 404 404 404",
    # Strategies: providers work with the district library, the administrator reads it,
    # teachers and paras see a strategy only as a card of one of their students.
    "collaboration:strategies":                   "GET  L   200 200 200 404 404 404 200 200 200",
    "collaboration:strategy_create":              "GET  L   200 200 200 404 404 404 403 403 200",
    "collaboration:strategy@starter":             "GET  L   200 200 200 200 404 200 200 404 404",
    "collaboration:strategy@strategy":            "GET  L   200 200 200 404 404 404 200 404 404",
    "collaboration:strategy_edit@strategy":       "GET  L   200 403 403 404 404 404 403 404 404",
    "collaboration:strategy_delete@strategy":     "POST L   ok  403 403 404 404 404 403 404 404",
    "collaboration:student_strategies@student":   "GET  L   200 404 404 200 404 200 404 404 404",
    "collaboration:student_strategy_edit@link":   "POST L   ok  404 404 403 404 403 404 404 404",
    "collaboration:student_strategy_active@link": "POST L   ok  404 404 403 404 403 404 404 404",
    "collaboration:strategy_use@link":            "POST L   ok  404 404 403 404 ok  404 404 404",
    "collaboration:carryover":                    "GET  L   404 404 404 404 404 200 404 404 404",
    # The teacher's portal is the teacher's own room.
    "collaboration:portal_home":                  "GET  L   404 404 404 302 302 404 404 404 404",
    "collaboration:portal@classroom":             "GET  L   404 404 404 200 404 404 404 404 404",
    "collaboration:report_dated@classroom":       "POST L   404 404 404 ok  404 404 404 404 404",
    "collaboration:block_change@classroom.block": "GET  L   404 404 404 200 404 404 404 404 404",
    "collaboration:block_change@classroom.other_block":
                                                  "GET  L   404 404 404 404 404 404 404 404 404",
    "collaboration:block_preference@classroom.block":
                                                  "POST L   404 404 404 ok  404 404 404 404 404",
    "collaboration:block_preference@classroom.other_block":
                                                  "POST L   404 404 404 404 404 404 404 404 404",
    # Notifications are each person's own.
    "collaboration:notifications":                "GET  L   200 200 200 200 200 200 200 200 200",
    "collaboration:notifications_read_all":       "POST L   ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "collaboration:notification_open@notification":
                                                  "POST L   ok  404 404 404 404 404 404 404 404",
    # Follow-ups: the provider writes them, the teacher they were sent to answers them.
    "followups:list":                             "GET  L   200 200 200 404 404 404 404 404 200",
    "followups:new@logged_session":               "GET  L   200 404 404 404 404 404 404 404 404",
    "followups:detail@draft":                     "GET  L   200 404 404 404 404 404 404 404 404",
    "followups:detail@sent":                      "GET  L   200 404 404 404 404 404 404 404 404",
    "followups:retry@sent":                       "POST L   ok  404 404 404 404 404 404 404 404",
    "followups:discard@draft":                    "POST L   ok  404 404 404 404 404 404 404 404",
    "followups:inbox":                            "GET  L   404 404 404 200 200 404 404 404 404",
    "followups:acknowledge@sent":                 "POST L   404 404 404 ok  404 404 404 404 404",
    "followups:reply@sent":                       "POST L   404 404 404 ok  404 404 404 404 404",
    "followups:printables":                       "GET  L   200 200 200 200 200 200 200 200 200",
    "followups:printable@paper":                  "GET  L   200 200 200 200 200 200 200 200 200",
    # Dated sessions hold clinical notes: their provider's only (not even a supervising OT's).
    "sessions:today":                             "GET  L   200 200 200 404 404 404 404 404 200",
    "sessions:week":                              "GET  L   200 200 200 404 404 404 404 404 200",
    "sessions:detail@signed":                     "GET  L   200 404 404 404 404 404 404 404 404",
    "sessions:detail@assistant_session":          "GET  L   404 404 200 404 404 404 404 404 404",
    "sessions:sign@logged":                       "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:call_off@ahead":                    "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:call_off_undo@ahead":               "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:plan@signed.record":                "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:attendance@logged.record":          "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:data_add@logged.record":            "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:data_add@logged.other_record":      "POST L   404 404 404 404 404 404 404 404 404",
    "sessions:data_undo@logged.record":           "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:note@logged.record":                "POST L   ok  404 404 404 404 404 404 404 404",
    "sessions:note@logged.other_record":          "POST L   404 404 404 404 404 404 404 404 404",
    # Minutes: a provider's own (a supervising OT's assistants' too), the district's for its
    # administrator.
    "minutes:home":                               "GET  L   302 302 302 404 404 404 302 302 302",
    "minutes:district":                           "GET  L   404 404 404 404 404 404 200 200 404",
    "minutes:provider@provider":                  "GET  L   200 404 404 404 404 404 200 404 404",
    "minutes:provider@assistant":                 "GET  L   200 404 200 404 404 404 200 404 404",
    "minutes:makeups@provider":                   "GET  L   200 404 404 404 404 404 200 404 404",
    "minutes:makeup_run@provider.makeup_run":     "GET  L   200 404 404 404 404 404 200 404 404",
    "minutes:makeup_run@assistant.makeup_run":    "GET  L   404 404 404 404 404 404 404 404 404",
    "minutes:makeup_run_cancel@provider.queued_makeup_run":
                                                  "POST L   ok  404 404 404 404 404 ok  404 404",
    "minutes:makeup_run_cancel@assistant.makeup_run":
                                                  "POST L   404 404 404 404 404 404 404 404 404",
    "minutes:makeup_run_again@provider.makeup_run":
                                                  "POST L   ok  404 404 404 404 404 ok  404 404",
    "minutes:makeup_accept@provider":             "POST L   ok  404 404 404 404 404 ok  404 404",
    "minutes:school@school":                      "GET  L   404 404 404 404 404 404 200 404 404",
    "minutes:student@student":                    "GET  L   200 404 404 404 404 404 200 404 404",
    "minutes:student@assistant_student":          "GET  L   404 404 200 404 404 404 200 404 404",
    "minutes:notice@student":                     "GET  L   200 404 404 404 404 404 200 404 404",
    "minutes:export":                             "GET  L   200 200 200 404 404 404 200 200 200",
    "minutes:billing_rule":                       "POST L   404 404 404 404 404 404 ok  ok  404",
    "minutes:import":                             "GET  L   200 200 200 404 404 404 200 200 200",
    # Workload: a provider's report is theirs, their supervising OT's and the district
    # administrator's; the district's totals the administrator's. Indirect time entries are
    # changed by their own provider only. Teachers and paras never see any of it.
    "workload:home":                              "GET  L   302 302 302 404 404 404 302 302 302",
    "workload:district":                          "GET  L   404 404 404 404 404 404 200 200 404",
    "workload:report@provider":                   "GET  L   200 404 404 404 404 404 200 404 404",
    "workload:report@assistant":                  "GET  L   200 404 200 404 404 404 200 404 404",
    "workload:report_pdf@provider":               "GET  L   200 404 404 404 404 404 200 404 404",
    "workload:report_pdf@assistant":              "GET  L   200 404 200 404 404 404 200 404 404",
    "workload:indirect":                          "GET  L   200 200 200 404 404 404 404 404 200",
    "workload:indirect_add":                      "POST L   ok  ok  ok  404 404 404 404 404 ok",
    "workload:indirect_edit@indirect":            "GET  L   200 404 404 404 404 404 404 404 404",
    "workload:indirect_delete@indirect":          "POST L   ok  404 404 404 404 404 404 404 404",
    # Progress reports: the student's providers (those of the report's family change it),
    # the administrator reads; a teacher or para reads only a signed report shared with
    # them (the Q2 report is shared with the teacher), never a draft. A caseload's reports
    # are the provider's own and the administrator's.
    "progress:reports@provider":                  "GET  L   200 404 404 404 404 404 200 404 404",
    "progress:reports@assistant":                 "GET  L   404 404 200 404 404 404 200 404 404",
    "progress:reports_pdf@provider":              "GET  L   200 404 404 404 404 404 200 404 404",
    "progress:reports_draft@provider":            "POST L   ok  404 404 404 404 404 403 404 404",
    "progress:report_draft@student":              "POST L   ok  404 404 404 404 404 403 404 404",
    "progress:report@report":                     "GET  L   200 404 404 200 404 404 200 404 404",
    "progress:report@draft_report":               "GET  L   200 404 404 404 404 404 200 404 404",
    "progress:report_pdf@report":                 "GET  L   200 404 404 200 404 404 200 404 404",
    "progress:report_pdf@draft_report":           "GET  L   200 404 404 404 404 404 200 404 404",
    "progress:report_goal@draft_report.goal":     "POST L   ok  404 404 404 404 404 403 404 404",
    "progress:report_sign@draft_report":          "POST L   ok  404 404 404 404 404 403 404 404",
    "progress:report_amend@report":               "POST L   ok  404 404 403 404 404 403 404 404",
    "progress:report_share@report":               "POST L   ok  404 404 403 404 404 403 404 404",
    # The capacity what-if: the provider's own, any provider's for the administrator
    # (those who plan the week); the district's capacity for its administrator.
    "workload:whatif@provider":                   "GET  L   200 404 404 404 404 404 200 404 404",
    "workload:whatif@assistant":                  "GET  L   404 404 200 404 404 404 200 404 404",
    "workload:whatif_run@provider.whatif_run":    "GET  L   200 404 404 404 404 404 200 404 404",
    "workload:whatif_run@provider.queued_whatif_run":
                                                  "GET  L   200 404 404 404 404 404 200 404 404",
    "workload:whatif_run@assistant.whatif_run":   "GET  L   404 404 404 404 404 404 404 404 404",
    "workload:whatif_run_cancel@provider.queued_whatif_run":
                                                  "POST L   ok  404 404 404 404 404 ok  404 404",
    "workload:whatif_run_cancel@assistant.whatif_run":
                                                  "POST L   404 404 404 404 404 404 404 404 404",
    "workload:capacity":                          "GET  L   404 404 404 404 404 404 200 200 404",
    # Whole-class lessons (docs/lessons.md): a provider plans them in the rooms where they
    # work and answers those rooms' requests; the teacher asks in their own room; whether
    # lessons count toward a mandate is changed by those who amend it; float support on a
    # session is its provider's.
    "lessons:home":                               "GET  L   200 200 200 404 404 404 404 404 200",
    "lessons:new":                                "GET  L   200 200 200 404 404 404 404 404 200",
    "lessons:request_decline@lesson_request":     "POST L   ok  404 ok  404 404 404 404 404 404",
    "lessons:weekly_end@weekly_lesson":           "POST L   ok  404 404 404 404 404 404 404 404",
    "lessons:request_create@classroom":           "POST L   404 404 404 ok  404 404 404 404 404",
    "lessons:credit@service":                     "POST L   ok  404 404 404 404 404 ok  404 404",
    "lessons:support@ahead":                      "POST L   ok  404 404 404 404 404 404 404 404",
    # The watch list (students on no caseload): the room's teacher and the providers serving
    # its school (the COTA serves Room 2A too); the administrator sees counts, never names,
    # and sets the period and threshold; paras nothing. The teacher who noted an entry
    # renews it; a provider carries it over to a caseload student (a teacher may not: 403).
    "watchlist:list":                             "GET  L   200 200 200 200 200 404 302 302 200",
    "watchlist:new":                              "GET  L   200 200 200 200 200 404 404 404 200",
    "watchlist:counts":                           "GET  L   404 404 404 404 404 404 200 200 404",
    "watchlist:entry@watch_entry":                "GET  L   200 404 200 200 404 404 404 404 404",
    "watchlist:observation_add@watch_entry":      "POST L   ok  404 ok  ok  404 404 404 404 404",
    "watchlist:renew@watch_entry":                "POST L   403 404 403 ok  404 404 404 404 404",
    "watchlist:carry_over@watch_entry":           "POST L   ok  404 ok  403 404 404 404 404 404",
    "watchlist:summary@watch_entry":              "GET  L   200 404 200 200 404 404 404 404 404",
    "watchlist:summary_pdf@watch_entry":          "GET  L   200 404 200 200 404 404 404 404 404",
    "watchlist:carried@student":                  "GET  L   200 404 404 200 404 404 404 404 404",
    "watchlist:carried@assistant_student":        "GET  L   404 404 200 200 404 404 404 404 404",
}

# Pages that also take a form (GET above): who may POST to them. Sent empty, so an allowed
# POST ("ok") answers with the form's errors; a refused one (someone who may read the page
# but not change it, like a supervising OT on their COTA's week) must write nothing.
FORM_POSTS: dict[str, str] = {
    #                                                   ano pro oth cot tch ott par adm ad2 pr2
    "password:change":                            "POST L   ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "password:reset":                             "POST ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "two_factor:home":                            "POST L   ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "two_factor:verify":                          "POST L   ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "two_factor:policy":                          "POST L   404 404 404 404 404 404 ok  ok  404",
    "accounts:user_create":                       "POST L   404 404 404 404 404 404 ok  ok  404",
    "accounts:user_edit@teacher":                 "POST L   404 404 404 404 404 404 ok  404 404",
    "district:settings":                          "POST L   404 404 404 404 404 404 ok  ok  404",
    "signin:settings":                            "POST L   404 404 404 404 404 404 ok  ok  404",
    "district:schools":                           "POST L   403 403 403 404 404 404 ok  ok  403",
    "district:block_edit@classroom.block":        "POST L   ok  403 ok  ok  404 404 ok  404 404",
    "district:availability@provider":             "POST L   ok  404 404 404 404 404 ok  404 404",
    "district:availability@assistant":            "POST L   403 404 ok  404 404 404 ok  404 404",
    "district:import_timetables":                 "POST L   ok  ok  ok  404 404 404 ok  ok  ok",
    "district:import_roster":                     "POST L   404 404 404 404 404 404 ok  ok  404",
    "caseload:mandate_amend@student.service":     "POST L   ok  404 404 403 404 404 ok  404 404",
    "caseload:fit_cell@fit_cell":                 "POST L   ok  ok  ok  404 404 404 ok  ok  ok",
    "caseload:import_students":                   "POST L   ok  ok  ok  404 404 404 ok  ok  ok",
    "caseload:privacy":                            "POST L   404 404 404 404 404 404 ok  ok  404",
    "planning:session_move@weekly":               "POST L   ok  404 404 404 404 404 ok  404 404",
    "planning:calendar@provider":                 "POST L   ok  404 404 404 404 404 ok  404 404",
    "collaboration:strategy_create":              "POST L   ok  ok  ok  404 404 404 403 403 ok",
    "collaboration:strategy_edit@strategy":       "POST L   ok  403 403 404 404 404 403 404 404",
    "collaboration:student_strategies@student":   "POST L   ok  404 404 403 404 403 404 404 404",
    "collaboration:block_change@classroom.block": "POST L   404 404 404 ok  404 404 404 404 404",
    "followups:new@logged_session":               "POST L   ok  404 404 404 404 404 404 404 404",
    "followups:detail@draft":                     "POST L   ok  404 404 404 404 404 404 404 404",
    "minutes:import":                             "POST L   ok  ok  ok  404 404 404 ok  ok  ok",
    "workload:indirect_edit@indirect":            "POST L   ok  404 404 404 404 404 404 404 404",
    "workload:whatif@provider":                   "POST L   ok  404 404 404 404 404 ok  404 404",
    "workload:whatif@assistant":                  "POST L   404 404 ok  404 404 404 ok  404 404",
    "lessons:new":                                "POST L   ok  ok  ok  404 404 404 404 404 ok",
    "watchlist:new":                              "POST L   ok  ok  ok  ok  ok  404 404 404 ok",
    "watchlist:counts":                           "POST L   404 404 404 404 404 404 ok  ok  404",
}
# fmt: on

# Every Django admin page is the staff's, and no persona is staff: its sign-in page for all,
# but for the sign-in page itself and the sign-out (which sends a non-staff person to the
# admin's index, hence its sign-in page).
ADMIN = "GET  " + " ".join(["A"] * len(PERSONAS))
ADMIN_ROWS: dict[str, str] = {
    "admin:login": "GET  " + " ".join(["200"] * len(PERSONAS)),
    "admin:logout": "GET  " + " ".join(["302"] * len(PERSONAS)),
}
# `admin_view` asks only `is_active and is_staff` (no persona is staff: checked by the
# test), so every signed-in persona gets the same answer: the admin's pages are requested
# as these two, to keep the walk short.
ADMIN_WALKERS = {"anonymous", "admin"}


# --- Requests and what they answered --------------------------------------------------------

REFUSED = {"L", "A", "403", "404"}


def outcome(response: HttpResponseBase) -> str:
    status = response.status_code
    if status == 302:
        location = str(response["Location"])
        if location.startswith(reverse("login")):
            return "L"
        if location.startswith(reverse("admin:login")):
            return "A"
    return str(status)


def matches(want: str, got: str) -> bool:
    return got == want or (want == "ok" and got not in REFUSED | {"405", "500"})


@dataclass(frozen=True)
class Row:
    label: str  # "route@target", and "(form)" for a POST to a page
    route: Route
    target: str
    method: str
    expected: tuple[str, ...]
    post_only: bool  # GET answers 405 (or the sign-in page)


def parse(label: str, spec: str, route: Route, *, post_only: bool) -> Row:
    method, *cells = spec.split()
    assert method in ("GET", "POST"), f"{label}: a row starts with GET or POST, not {method!r}"
    assert len(cells) == len(PERSONAS), f"{label}: {len(cells)} outcomes, {len(PERSONAS)} personas"
    target = label.split()[0].partition("@")[2]
    return Row(label, route, target, method, tuple(cells), post_only)


def url_for(row: Row, m: MatrixWorld) -> str:
    if _is_admin(row.route):
        arg_sets = _admin_args(row.route) if row.route.params else [{}]
        assert arg_sets, f"{row.label}: the world has no object for this admin page"
        return _url(row.route, arg_sets[0])
    return _url(row.route, TARGETS[row.target](m)) + QUERIES.get(row.target, "")


def all_rows() -> tuple[list[Row], list[str]]:
    """The rows to request, and what is wrong with the tables themselves."""
    found = {route.key: route for route in routes()}
    app = {key for key, route in found.items() if not _is_admin(route)}
    problems = []
    listed = {key.partition("@")[0] for key in EXPECTED}
    problems += [
        f"route {key} ({found[key].pattern}) has no row in EXPECTED" for key in sorted(app - listed)
    ]
    for table, name in ((EXPECTED, "EXPECTED"), (FORM_POSTS, "FORM_POSTS")):
        for key in table:
            route, _, target = key.partition("@")
            if route not in app:
                problems.append(f"{name} has a row for {route}, which is not a route (any more)")
            elif target not in TARGETS:
                problems.append(f"{name} row {key}: no object {target!r} in TARGETS")
    for key in FORM_POSTS:
        if not EXPECTED.get(key, "").startswith("GET"):
            problems.append(f"FORM_POSTS row {key} needs its GET row in EXPECTED")
    for key in ADMIN_ROWS:
        if key not in found:
            problems.append(f"ADMIN_ROWS has a row for {key}, which is not a route (any more)")
    if problems:
        return [], problems

    rows = []
    for key, spec in EXPECTED.items():
        post_only = spec.startswith("POST")
        rows.append(parse(key, spec, found[key.partition("@")[0]], post_only=post_only))
    for key, spec in FORM_POSTS.items():
        rows.append(parse(f"{key} (form)", spec, found[key.partition("@")[0]], post_only=False))
    for key, admin_route in found.items():
        if _is_admin(admin_route):
            rows.append(parse(key, ADMIN_ROWS.get(key, ADMIN), admin_route, post_only=False))
    return rows, []


@dataclass
class Result:
    mismatches: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    observed: dict[str, list[str]] = field(default_factory=dict)


def request(
    client: Client, method: str, url: str, data: Args, snapshot: Snapshot, skipped: set[str]
) -> tuple[str, list[str]]:
    """One request in a savepoint rolled back after it: its outcome and, when it was a GET
    or refused, what it wrote. An allowed POST may write; it is not compared."""
    with transaction.atomic():
        reset_queries()  # the log keeps 9000 statements: each request starts empty
        with CaptureQueriesContext(connection) as queries:
            try:
                response = client.get(url) if method == "GET" else client.post(url, data)
                answer = outcome(response)
            except Exception as error:  # reported in its cell, so the whole matrix prints
                answer = f"raised {type(error).__name__}"
        statements = [q["sql"] for q in queries.captured_queries]
        changed: list[str] = []
        checked = method == "GET" or answer in REFUSED or answer.startswith("raised")
        if checked and (
            len(statements) >= connection.queries_limit or may_write(statements, skipped)
        ):
            try:
                changed = snapshot.changes()
            except DatabaseError as error:  # the crash left the transaction unusable
                changed = [f"could not compare: {error!r}"]
        transaction.set_rollback(True)
    return answer, changed


def _signer(client: Client, user: User | None) -> Callable[[], None]:
    """Signs `user` in, and again after a request signed them out (the logout route).
    Signing in costs more than most requests: it is not done before each one."""

    def signed_in() -> None:
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if user is None:
            if cookie is not None and cookie.value:
                client.logout()
        elif cookie is None or not cookie.value:
            force_login(client, user)

    client.logout()
    return signed_in


def run_matrix(client: Client, m: MatrixWorld, rows: list[Row]) -> Result:
    """Request every row as every persona; note each outcome that differs from the row's,
    and every write of a GET or of a refused POST."""
    result = Result(observed={row.label: [""] * len(PERSONAS) for row in rows})
    for persona in PERSONAS:  # as set up at their first sign-in, before any request
        user = m.user(persona)
        if user is not None:
            authenticator_if_needed(user)
    snapshot = Snapshot.take()
    skipped = skipped_db_tables()
    with_form = set(FORM_POSTS)
    for column, persona in enumerate(PERSONAS):
        signed_in = _signer(client, m.user(persona))
        signed_in()
        for row in rows:
            want = row.expected[column]
            if _is_admin(row.route) and persona not in ADMIN_WALKERS:
                result.observed[row.label][column] = want
                continue
            url = url_for(row, m)
            data = POST_DATA.get(row.route.key, {})
            where = f"{row.method} {row.label} as {persona}"
            got, changed = request(client, row.method, url, data, snapshot, skipped)
            signed_in()
            result.observed[row.label][column] = got
            if not matches(want, got):
                result.mismatches.append(f"{where}: expected {want}, got {got} ({url})")
            if changed:
                result.writes.append(f"{where} ({got}) wrote: " + " | ".join(changed))
            # The other method: a POST-only route answers GET with 405; a page refused to
            # GET is refused to POST too (unless FORM_POSTS says who may post to it).
            if row.post_only:
                other, expected_other = "GET", {"405", "L"}
            elif row.method == "GET" and want in REFUSED and row.label not in with_form:
                other, expected_other = "POST", REFUSED | {"405"}
            else:
                continue
            got, changed = request(client, other, url, data, snapshot, skipped)
            signed_in()
            where = f"{other} {row.label} as {persona}"
            if got not in expected_other:
                result.mismatches.append(
                    f"{where}: expected a refusal ({row.method} is {want}), got {got} ({url})"
                )
            if changed:
                result.writes.append(f"{where} ({got}) wrote: " + " | ".join(changed))
    return result


def observed_table(result: Result, rows: list[Row]) -> str:
    """The observed rows of the app's routes in the tables' format, to review and paste."""
    lines = []
    for name, forms in (("EXPECTED", False), ("FORM_POSTS", True)):
        lines.append(f"{name}:")
        for row in rows:
            if _is_admin(row.route) or row.label.endswith(" (form)") != forms:
                continue
            key = f'    "{row.label.removesuffix(" (form)")}":'
            cells = " ".join(f"{cell:<3}" for cell in result.observed[row.label])
            lines.append(f'{key:<49} "{row.method:<4} {cells.rstrip()}",')
    return "\n".join(lines)


# --- The tests ---------------------------------------------------------------------------------


@pytest.fixture
def matrix(db: None, django_capture_on_commit_callbacks: Any) -> MatrixWorld:
    return matrix_world(rich_world(django_capture_on_commit_callbacks))


def test_every_route_has_a_row() -> None:
    _, problems = all_rows()
    assert not problems, "The permission matrix is out of date:\n" + "\n".join(problems)


def test_permission_matrix(matrix: MatrixWorld, client: Client) -> None:
    rows, problems = all_rows()
    assert not problems, "The permission matrix is out of date:\n" + "\n".join(problems)
    users = [user for persona in PERSONAS if (user := matrix.user(persona)) is not None]
    assert not [u for u in users if u.is_staff or u.is_superuser], "ADMIN_WALKERS needs it"
    result = run_matrix(client, matrix, rows)
    assert not result.writes, "Refused requests (or GETs) wrote:\n" + "\n".join(result.writes)
    assert not result.mismatches, (
        f"{len(result.mismatches)} outcomes differ from the tables:\n"
        + "\n".join(result.mismatches)
        + "\n\nObserved (columns: "
        + " ".join(PERSONAS)
        + "):\n"
        + observed_table(result, rows)
    )


# --- The matrix's own checks -------------------------------------------------------------------


def test_a_route_without_a_row_or_a_row_without_a_route_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = {key: spec for key, spec in EXPECTED.items() if key != "minutes:export"}
    table["minutes:gone"] = EXPECTED["minutes:export"]
    table["minutes:student@nobody"] = EXPECTED["minutes:student@student"]
    monkeypatch.setattr(f"{__name__}.EXPECTED", table)
    _, problems = all_rows()
    assert problems == [
        "route minutes:export (minutes/export/) has no row in EXPECTED",
        "EXPECTED has a row for minutes:gone, which is not a route (any more)",
        "EXPECTED row minutes:student@nobody: no object 'nobody' in TARGETS",
    ]


def test_the_matrix_reports_a_leak_and_a_refused_request_that_wrote(
    matrix: MatrixWorld, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.http import Http404

    from pushin.caseload import access
    from pushin.collaboration import views
    from pushin.collaboration.models import Notification

    # A leak: every signed-in person sees every student.
    monkeypatch.setattr(
        access, "students_visible_to", lambda user: Student.objects.filter(active=True)
    )

    # A refusal that comes after a write.
    def marks_then_refuses(user: User, pk: int) -> Notification:
        Notification.objects.filter(pk=pk).update(text="changed")
        raise Http404("No such notification")

    monkeypatch.setattr(views, "notification_for_user", marks_then_refuses)
    rows, _ = all_rows()
    picked = {"caseload:student@student", "collaboration:notification_open@notification"}
    result = run_matrix(client, matrix, [row for row in rows if row.label in picked])

    student_url = reverse("caseload:student", kwargs={"pk": matrix.student.pk})
    leaks = [m for m in result.mismatches if m.startswith("GET caseload:student")]
    assert leaks == [
        f"GET caseload:student@student as {persona}: expected 404, got 200 ({student_url})"
        for persona in ("other_provider", "assistant", "other_teacher", "district2_admin",
                        "district2_provider")
    ]  # fmt: skip
    written = [w for w in result.writes if w.startswith("POST collaboration:notification_open")]
    assert len(written) == 9  # every persona but anonymous, who is sent to sign in first
    assert "as other_teacher (404) wrote: collaboration.Notification: changed 1" in "".join(written)
