"""The daily sweep: due tomorrow, due today, overdue, escalation up the chain, gaps in provision, one digest each."""

import datetime
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from conferences import records
from conferences.models import Challenge, ConferenceRequest
from notifications import reminders, tasks
from notifications.models import Kind, Notification
from tests.conferences import journeys

BST = datetime.timezone(datetime.timedelta(hours=1))
FRIDAY = date(2026, 5, 22)  # before the late May bank holiday, Monday 25 May 2026


def at(day):
    return datetime.datetime(day.year, day.month, day.day, 11, tzinfo=BST)


def move(request, *, entered=None, strategy_discussion=None):
    """Put the request's clocks on fixed dates (the services stamp them with today)."""
    values = {"strategy_discussion_date": strategy_discussion}
    if entered:
        values["stage_entered_at"] = at(entered)
    ConferenceRequest.objects.filter(pk=request.pk).update(**values)


def sweep(day):
    """Run the sweep on `day`; return the notifications it made as {(username, kind), ...}."""
    before = set(Notification.objects.values_list("pk", flat=True))
    reminders.run(day)
    return {(n.recipient.username, n.kind) for n in Notification.objects.exclude(pk__in=before)}


@pytest.fixture
def at_manager_discussion(council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    move(request, entered=FRIDAY)  # due Wednesday 27 May
    return request


def test_the_managers_are_reminded_the_day_before_and_on_the_day(council, at_manager_discussion):
    assert sweep(date(2026, 5, 26)) == {("am", Kind.DUE_TOMORROW), ("sm", Kind.DUE_TOMORROW)}
    assert sweep(date(2026, 5, 27)) == {("am", Kind.DUE_TODAY), ("sm", Kind.DUE_TODAY)}
    message = Notification.objects.filter(kind=Kind.DUE_TODAY).first().message
    assert message.endswith("manager discussion is due today, Wednesday 27 May 2026.")


def test_overdue_is_reminded_daily_and_escalated_past_the_threshold(council, at_manager_discussion):
    assert sweep(date(2026, 5, 28)) == {("am", Kind.OVERDUE), ("sm", Kind.OVERDUE)}
    assert sweep(date(2026, 5, 29)) == {("am", Kind.OVERDUE), ("sm", Kind.OVERDUE)}
    assert sweep(date(2026, 6, 1)) == {("am", Kind.OVERDUE), ("sm", Kind.OVERDUE), ("hos", Kind.ESCALATION)}
    escalation = Notification.objects.get(kind=Kind.ESCALATION)
    assert "3 working days overdue" in escalation.message and "next manager up" in escalation.message
    assert sweep(date(2026, 6, 5)) == {("am", Kind.OVERDUE), ("sm", Kind.OVERDUE)}  # the top of the chain holds


def test_the_escalation_threshold_comes_from_settings(council, at_manager_discussion, settings):
    settings.ESCALATE_AFTER_WORKING_DAYS = 5
    assert ("hos", Kind.ESCALATION) not in sweep(date(2026, 6, 1))
    assert ("hos", Kind.ESCALATION) in sweep(date(2026, 6, 4))


def test_running_twice_in_a_day_reminds_once(council, at_manager_discussion):
    assert reminders.run(date(2026, 5, 27))["made"] == {"due_today": 2}
    assert reminders.run(date(2026, 5, 27))["made"] == {}
    assert Notification.objects.count() == 2


@pytest.mark.parametrize("day", [date(2026, 5, 23), date(2026, 5, 24), date(2026, 5, 25)])
def test_nothing_is_sent_at_a_weekend_or_on_a_bank_holiday(council, at_manager_discussion, day):
    assert reminders.run(day) == {"date": day.isoformat(), "working_day": False}
    assert Notification.objects.count() == 0


def test_the_statutory_clock_escalates_a_workers_request_up_the_whole_chain(council):
    request = journeys.drafted(council, journeys.child_with_plans(council, 1))
    move(request, strategy_discussion=FRIDAY)  # conference due Monday 15 June 2026
    assert sweep(date(2026, 6, 12)) == {("sw", Kind.DUE_TOMORROW)}
    assert sweep(date(2026, 6, 17)) == {("sw", Kind.OVERDUE)}  # 2 working days: not yet escalated
    assert sweep(date(2026, 6, 18)) == {("sw", Kind.OVERDUE), ("tm", Kind.ESCALATION)}
    assert sweep(date(2026, 6, 19)) == {("sw", Kind.OVERDUE)}
    assert sweep(date(2026, 6, 22)) == {("sw", Kind.OVERDUE), ("sm", Kind.ESCALATION)}
    assert sweep(date(2026, 6, 24)) == {("sw", Kind.OVERDUE), ("hos", Kind.ESCALATION)}
    assert sweep(date(2026, 6, 30)) == {("sw", Kind.OVERDUE)}
    assert "initial conference (statutory)" in Notification.objects.filter(kind=Kind.ESCALATION).first().message


def test_a_closed_request_is_not_reminded(council, at_manager_discussion):
    ConferenceRequest.objects.filter(pk=at_manager_discussion.pk).update(state="withdrawn")
    assert sweep(date(2026, 6, 1)) == set()


@pytest.fixture
def issued(council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 1))
    challenge = records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was the last plan stepped down after two months?",
        response_due=date.today() + datetime.timedelta(days=30),
    )
    Challenge.objects.filter(pk=challenge.pk).update(issued_at=at(FRIDAY), response_due=date(2026, 6, 8))
    return Challenge.objects.get(pk=challenge.pk)


def challenge_sweep(day, challenge):
    return sweep(day) & {(n.recipient.username, n.kind) for n in Notification.objects.filter(challenge=challenge)}


def test_the_team_manager_is_reminded_of_a_challenges_response(council, issued):
    assert challenge_sweep(date(2026, 6, 5), issued) == {("tm", Kind.DUE_TOMORROW)}
    assert challenge_sweep(date(2026, 6, 11), issued) == {("tm", Kind.OVERDUE), ("sm", Kind.ESCALATION)}


def test_the_chair_who_issued_it_is_reminded_of_the_resolution(council, issued):
    records.respond_to_challenge(issued.pk, council.team_manager, response="The core group missed it.")
    assert challenge_sweep(date(2026, 6, 19), issued) == {("chair", Kind.DUE_TOMORROW)}  # resolution due 22 June
    assert challenge_sweep(date(2026, 6, 25), issued) == {("chair", Kind.OVERDUE), ("cpm", Kind.ESCALATION)}


@pytest.fixture
def with_gap(council):
    request = journeys.drafted(council, journeys.child_with_plans(council, 1), services=["Nursery place"])
    return request, request.proposed_services.get()


def test_a_gap_in_provision_without_an_owner_or_a_date_is_reminded_to_the_worker(council, with_gap):
    request, service = with_gap
    records.record_service_rationale(
        request.pk,
        council.social_worker,
        service.pk,
        repeat_rationale="",
        expected_impact="",
        provision_gap="No nursery place until September.",
        gap_owner=council.team_manager,
    )
    assert sweep(date(2026, 6, 1)) == {("sw", Kind.PROVISION_GAP)}
    assert "'Nursery place' has no owner or no date" in Notification.objects.get().message


def test_a_gap_with_an_owner_and_a_date_reminds_the_owner_when_it_falls_due(council, with_gap):
    request, service = with_gap
    records.record_service_rationale(
        request.pk,
        council.social_worker,
        service.pk,
        repeat_rationale="",
        expected_impact="",
        provision_gap="No nursery place until September.",
        gap_owner=council.team_manager,
        gap_resolve_by=date(2026, 6, 1),
    )
    assert sweep(date(2026, 5, 29)) == {("tm", Kind.DUE_TOMORROW)}
    assert sweep(date(2026, 6, 2)) == {("tm", Kind.OVERDUE)}


def test_a_service_without_a_gap_is_not_reminded(council, with_gap):
    assert sweep(date(2026, 6, 1)) == set()


# the daily digest


def test_each_person_gets_one_digest_listing_all_their_reminders(council, django_capture_on_commit_callbacks):
    for _ in range(2):
        move(journeys.checked(council, journeys.child_with_plans(council, 1)), entered=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        summary = tasks.send_reminders.apply(kwargs={"on": "2026-05-27"}).get()
    assert summary == {"date": "2026-05-27", "working_day": True, "made": {"due_today": 4}, "digests": 2}
    assert sorted(message.to[0] for message in mail.outbox) == ["am@council.example", "sm@council.example"]
    digest = mail.outbox[0]
    assert digest.subject == "Your gatekeeping reminders for Wednesday 27 May 2026: 2 items"
    assert digest.body.count("Due today: Request ") == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.apply(kwargs={"on": "2026-05-27"}).get()["digests"] == 0
    assert len(mail.outbox) == 2


def test_a_digest_sent_twice_sends_nothing_the_second_time(council, at_manager_discussion):
    reminders.run(date(2026, 5, 27))
    assert tasks.send_digest.apply(args=[council.area_manager.pk, "2026-05-27"]).get() == 1
    assert tasks.send_digest.apply(args=[council.area_manager.pk, "2026-05-27"]).get() == 0
    assert len(mail.outbox) == 1


# the management command the demo runs at startup


def test_the_command_sends_the_days_reminders(council, at_manager_discussion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-05-27", stdout=(out := StringIO()))
    assert out.getvalue() == "Reminders for 2026-05-27: 2 due today; digest emails to 2 people.\n"
    assert len(mail.outbox) == 2


def test_the_command_says_when_there_is_nothing_to_do(council):
    call_command("send_reminders", "--date", "2026-05-25", stdout=(out := StringIO()))
    assert out.getvalue() == "2026-05-25 is not a working day: no reminders sent.\n"


def test_the_command_refuses_a_bad_date(council):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "27/05/2026")
