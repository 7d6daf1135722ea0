"""Helpers that walk a request through its stages, for tests of later stages."""

import datetime

from conferences import records, transitions
from tests.factories import ChildFactory, CPPlanFactory, PlanServiceFactory

ON = datetime.date(2025, 6, 1)


def child_with_plans(council, count=1, *, last_end=datetime.date(2025, 1, 10), **plan_kwargs):
    """A child in the north team with `count` previous plans, the last ending on `last_end`."""
    child = ChildFactory(team=council.north_team)
    end = last_end
    for _ in range(count):
        start = end - datetime.timedelta(days=200)
        plan = CPPlanFactory(child=child, start_date=start, end_date=end, **plan_kwargs)
        PlanServiceFactory(plan=plan, name="Parenting programme")
        end = start - datetime.timedelta(days=100)
    return child


def drafted(council, child, services=("Family support worker",)):
    user = council.social_worker
    request = records.start_request(child, user)
    records.update_proposal(request.pk, user, reason="Neglect has returned.", categories=["NEG"], factors=["3B", "2B"])
    records.set_proposed_services(request.pk, user, list(services))
    return request


def submitted(council, child, **kwargs):
    request = drafted(council, child, **kwargs)
    return transitions.submit(request.pk, council.social_worker)


def checked(council, child, **kwargs):
    request = submitted(council, child, **kwargs)
    return transitions.confirm_prior_plan_check(
        request.pk, council.social_worker, sources_checked=["this_council", "other_councils"]
    )


def proceeded(council, child, **kwargs):
    request = checked(council, child, **kwargs)
    return transitions.proceed(
        request.pk,
        council.area_manager,
        alternatives_considered=["pre_proceedings"],
        rationale="Pre-proceedings considered; a plan gives the family a last chance with new services.",
    )


def screened(council, request):
    """Everything the chair needs before accepting (no triggers, no repeated services, no siblings)."""
    sw, chair = council.social_worker, council.cp_chair
    records.record_partners_informed(request.pk, sw, informed_on=ON, context="Previous plan 2024 for neglect.")
    records.record_analysis(
        request.pk,
        sw,
        time_since="Five months.",
        plan_length="Seven months.",
        risks="Same neglect; new drug use.",
        services="New family support worker.",
    )
    records.record_cp_chair_conversation(request.pk, sw, conversation="Agreed how to run the conference.")
    records.record_cp_manager_consultation(request.pk, chair, consultation="CP Manager agrees: close scrutiny.")
    return records.record_screening(request.pk, chair, difference="Plan adds drug services.", timescale_weeks=12)
