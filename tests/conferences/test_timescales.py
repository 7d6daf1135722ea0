"""Working days and due dates: weekends and England and Wales bank holidays never count."""

import datetime
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conferences import timescales
from conferences.models import Challenge, ChallengeState, ConferenceRequest, State
from conferences.timescales import (
    add_working_days,
    challenge_deadline,
    challenge_due_dates,
    days_remaining,
    deadlines,
    default_response_due,
    describe_remaining,
    due_date,
    is_working_day,
    working_days_between,
)
from tests.conferences.journeys import checked, child_with_plans

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time
FRIDAY_BEFORE_LATE_MAY = date(2026, 5, 22)


def at(day: date, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def request_at(state, entered: date, strategy_discussion: date | None = None):
    return ConferenceRequest(state=state, stage_entered_at=at(entered), strategy_discussion_date=strategy_discussion)


class TestWorkingDays:
    @pytest.mark.parametrize(
        "day, working",
        [
            (date(2026, 5, 22), True),  # Friday
            (date(2026, 5, 23), False),  # Saturday
            (date(2026, 5, 24), False),  # Sunday
            (date(2026, 5, 25), False),  # late May bank holiday
            (date(2026, 4, 3), False),  # Good Friday
            (date(2026, 4, 6), False),  # Easter Monday
            (date(2025, 12, 25), False),
            (date(2025, 12, 26), False),
            (date(2026, 1, 1), False),
            (date(2026, 12, 28), False),  # Boxing Day falls on a Saturday: Monday is the substitute
            (date(2027, 12, 27), False),  # Christmas and Boxing Day at a weekend: both substitutes
            (date(2027, 12, 28), False),
            (date(2027, 12, 29), True),
        ],
    )
    def test_weekends_and_bank_holidays_are_not_working_days(self, day, working):
        assert is_working_day(day) is working

    def test_the_day_itself_is_day_0_and_the_clock_starts_the_next_working_day(self):
        assert add_working_days(date(2026, 5, 20), 0) == date(2026, 5, 20)
        assert add_working_days(date(2026, 5, 20), 1) == date(2026, 5, 21)
        assert add_working_days(date(2026, 5, 23), 1) == date(2026, 5, 26)  # Saturday before the bank holiday

    def test_friday_before_the_late_may_bank_holiday(self):
        assert add_working_days(FRIDAY_BEFORE_LATE_MAY, 1) == date(2026, 5, 26)
        assert add_working_days(FRIDAY_BEFORE_LATE_MAY, 2) == date(2026, 5, 27)
        assert add_working_days(FRIDAY_BEFORE_LATE_MAY, 15) == date(2026, 6, 15)

    def test_easter_2026_skips_good_friday_and_easter_monday(self):
        assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
        assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
        assert add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)

    def test_christmas_boxing_day_and_new_year_across_the_year_end(self):
        assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
        assert add_working_days(date(2025, 12, 24), 4) == date(2026, 1, 2)
        assert working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1
        assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
        assert add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 29)
        assert working_days_between(date(2027, 12, 24), date(2028, 1, 4)) == 4  # 29, 30, 31 Dec; 3 Jan substitute

    def test_counting_backwards_is_negative(self):
        assert working_days_between(date(2026, 5, 27), date(2026, 5, 22)) == -2
        assert working_days_between(date(2026, 5, 22), date(2026, 5, 22)) == 0

    @hypothesis_settings(deadline=None)  # the first look-up of a year's bank holidays is slow on a busy machine
    @given(
        start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        n=st.integers(min_value=-80, max_value=80),
    )
    def test_adding_and_counting_are_inverses(self, start, n):
        assert working_days_between(start, add_working_days(start, n)) == n

    @hypothesis_settings(deadline=None)
    @given(
        start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        span=st.integers(min_value=-500, max_value=500),
    )
    def test_the_arithmetic_count_agrees_with_counting_day_by_day(self, start, span):
        end = start + timedelta(days=span)
        low, high = sorted([start, end])
        by_day = sum(is_working_day(low + timedelta(days=i)) for i in range(1, (high - low).days + 1))
        if end < start:
            by_day = -sum(is_working_day(end + timedelta(days=i)) for i in range((start - end).days))
        assert working_days_between(start, end) == by_day


class TestDaysRemaining:
    def test_due_today_tomorrow_and_over_a_weekend(self):
        assert days_remaining(date(2026, 5, 27), date(2026, 5, 27)) == 0
        assert days_remaining(date(2026, 5, 27), date(2026, 5, 26)) == 1
        assert days_remaining(date(2026, 5, 26), FRIDAY_BEFORE_LATE_MAY) == 1  # the next working day is Tuesday

    def test_overdue_counts_working_days_and_is_never_zero(self):
        friday = date(2026, 5, 15)
        assert days_remaining(friday, date(2026, 5, 16)) == -1  # the Saturday after
        assert days_remaining(friday, date(2026, 5, 18)) == -1
        assert days_remaining(friday, date(2026, 5, 19)) == -2
        assert days_remaining(date(2026, 5, 23), date(2026, 5, 26)) == -1  # due on a Saturday, Tuesday after

    def test_how_pages_say_it(self):
        assert describe_remaining(3) == "3 working days left"
        assert describe_remaining(1) == "Due tomorrow (1 working day left)"
        assert describe_remaining(0) == "Due today"
        assert describe_remaining(-1) == "1 working day overdue"
        assert describe_remaining(-4) == "4 working days overdue"


class TestRequestDueDates:
    def test_a_request_entering_manager_discussion_on_the_friday_before_a_bank_holiday(self):
        request = request_at(State.MANAGER_DISCUSSION, FRIDAY_BEFORE_LATE_MAY, FRIDAY_BEFORE_LATE_MAY)
        found = deadlines(request, today=FRIDAY_BEFORE_LATE_MAY)
        assert [(d.name, d.due, d.remaining) for d in found] == [
            ("manager_discussion", date(2026, 5, 27), 2),
            ("conference", date(2026, 6, 15), 15),
        ]
        assert found[1].statutory and not found[0].statutory
        assert due_date(request) == date(2026, 5, 27)

    @pytest.mark.parametrize(
        "state, due",
        [
            (State.CPC_SCREENING, date(2026, 5, 27)),
            (State.HEAD_OF_SERVICE_SIGNOFF, date(2026, 5, 27)),
            (State.PRIOR_PLAN_CHECK, date(2026, 6, 15)),  # no local clock: the statutory date
            (State.DRAFT, date(2026, 6, 15)),
            (State.READY_TO_CONVENE, date(2026, 6, 15)),
        ],
    )
    def test_each_open_stage_is_due_by_the_sooner_of_its_clock_and_the_statutory_date(self, state, due):
        assert due_date(request_at(state, FRIDAY_BEFORE_LATE_MAY, FRIDAY_BEFORE_LATE_MAY)) == due

    def test_the_statutory_date_can_come_before_the_stage_clock(self):
        request = request_at(State.CPC_SCREENING, date(2026, 6, 12), FRIDAY_BEFORE_LATE_MAY)
        assert due_date(request) == date(2026, 6, 15)
        assert [d.name for d in deadlines(request, date(2026, 6, 12))] == ["conference", "cpc_screening"]

    def test_without_a_strategy_discussion_only_the_stage_clock_runs(self):
        assert due_date(request_at(State.MANAGER_DISCUSSION, FRIDAY_BEFORE_LATE_MAY)) == date(2026, 5, 27)
        assert due_date(request_at(State.PRIOR_PLAN_CHECK, FRIDAY_BEFORE_LATE_MAY)) is None

    @pytest.mark.parametrize("state", [State.CONVENED, State.DECLINED, State.WITHDRAWN, State.CLOSED_ALTERNATIVE_ROUTE])
    def test_a_closed_request_has_nothing_due(self, state):
        assert deadlines(request_at(state, FRIDAY_BEFORE_LATE_MAY, FRIDAY_BEFORE_LATE_MAY)) == []

    def test_a_convened_request_still_shows_the_statutory_date_it_was_held_against(self):
        request = request_at(State.CONVENED, date(2026, 6, 10), FRIDAY_BEFORE_LATE_MAY)
        assert timescales.conference_deadline(request).due == date(2026, 6, 15)

    def test_the_stage_clock_starts_on_the_uk_day_the_stage_was_entered(self):
        request = request_at(State.MANAGER_DISCUSSION, FRIDAY_BEFORE_LATE_MAY)
        request.stage_entered_at = datetime.datetime(2026, 5, 21, 23, 30, tzinfo=datetime.UTC)  # 00:30 BST Friday
        assert due_date(request) == date(2026, 5, 27)

    def test_local_timescales_come_from_settings(self, settings):
        settings.GATEKEEPING_TIMESCALES = {"manager_discussion": 5}
        assert due_date(request_at(State.MANAGER_DISCUSSION, FRIDAY_BEFORE_LATE_MAY)) == date(2026, 6, 1)
        assert due_date(request_at(State.CPC_SCREENING, FRIDAY_BEFORE_LATE_MAY)) == date(2026, 5, 27)

    def test_overdue_stage(self):
        request = request_at(State.MANAGER_DISCUSSION, FRIDAY_BEFORE_LATE_MAY)
        deadline = timescales.current_deadline(request, today=date(2026, 6, 1))
        assert (deadline.remaining, deadline.status, deadline.summary) == (-3, "overdue", "3 working days overdue")


class TestChallengeDueDates:
    def challenge(self, state, issued: date, response_due: date):
        return Challenge(state=state, issued_at=at(issued), response_due=response_due)

    def test_the_default_response_date_is_10_working_days_after_issue(self):
        assert default_response_due(FRIDAY_BEFORE_LATE_MAY) == date(2026, 6, 8)

    def test_response_as_set_and_resolution_20_working_days_after_issue(self):
        challenge = self.challenge(ChallengeState.ISSUED, FRIDAY_BEFORE_LATE_MAY, date(2026, 6, 8))
        assert challenge_due_dates(challenge) == timescales.ChallengeDueDates(date(2026, 6, 8), date(2026, 6, 22))

    def test_the_running_clock_follows_the_challenge_state(self):
        today = date(2026, 6, 9)
        issued = self.challenge(ChallengeState.ISSUED, FRIDAY_BEFORE_LATE_MAY, date(2026, 6, 8))
        assert (challenge_deadline(issued, today).name, challenge_deadline(issued, today).remaining) == (
            "challenge_response",
            -1,
        )
        responded = self.challenge(ChallengeState.RESPONDED, FRIDAY_BEFORE_LATE_MAY, date(2026, 6, 8))
        assert challenge_deadline(responded, today).due == date(2026, 6, 22)
        for closed in (ChallengeState.RESOLVED, ChallengeState.ESCALATED):
            assert challenge_deadline(self.challenge(closed, FRIDAY_BEFORE_LATE_MAY, date(2026, 6, 8))) is None


def test_a_real_request_submitted_on_the_friday_before_a_bank_holiday(council):
    """Submitted and checked through the services; the clocks are read from the saved row."""
    request = checked(council, child_with_plans(council, 1))
    rows = ConferenceRequest.objects.filter(pk=request.pk)
    rows.update(stage_entered_at=at(FRIDAY_BEFORE_LATE_MAY, 16), strategy_discussion_date=FRIDAY_BEFORE_LATE_MAY)
    request = rows.get()
    assert request.state == State.MANAGER_DISCUSSION
    assert [(d.name, d.due) for d in deadlines(request, FRIDAY_BEFORE_LATE_MAY)] == [
        ("manager_discussion", date(2026, 5, 27)),
        ("conference", date(2026, 6, 15)),
    ]
