"""factory_boy factories: a council in miniature for tests."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases.models import Child, CPPlan, Family, PlanService
from conferences.models import ConferenceRequest, ProposedService
from people.models import ServiceArea, Staff, Team

DEMO_PASSWORD = "test-password-123"


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area Unit {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@council.example")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    role = "social_worker"
    team = None
    service_area = None


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    reference = factory.Sequence(lambda n: f"FAM{n:05d}")
    name = factory.Sequence(lambda n: f"Family {n}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    local_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2015, 6, 1)
    sex = "1"
    team = factory.SubFactory(TeamFactory)


class CPPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CPPlan

    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2023, 1, 10)
    end_date = datetime.date(2023, 9, 10)
    initial_category = "NEG"
    latest_category = "NEG"
    assessment_factors = factory.LazyFunction(lambda: ["3B"])


class PlanServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanService

    plan = factory.SubFactory(CPPlanFactory)
    name = "Parenting programme"


class ConferenceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferenceRequest

    child = factory.SubFactory(ChildFactory)
    created_by = factory.SubFactory(UserFactory)
    reason = "Concerns about neglect have returned."
    proposed_categories = factory.LazyFunction(lambda: ["NEG"])
    proposed_factors = factory.LazyFunction(lambda: ["3B"])


class ProposedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposedService

    request = factory.SubFactory(ConferenceRequestFactory)
    name = "Family support worker"
