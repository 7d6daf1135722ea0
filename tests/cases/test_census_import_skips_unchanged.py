"""A second import of an unchanged return does not read the children it imported before (issue 12).

Specification: a child whose <Child> element is as it was imported, and whose record and plans are
as the import left them, is counted unchanged (with its plans) without being read, checked or
compared; a changed element is read and imported; anything else that writes the child's plans or
census values (a correction, a conference's plan, the admin) makes the next import read the child
again, and so does another version of the import's code; a child rejected before is read and
rejected again; a child the return shows twice is read in both showings once one changed.
"""

import pytest

from cases import history_import
from cases.history_import import import_census
from cases.models import Child, CPPlan, ImportedChild
from cases.plans import plan_correct
from tests.cases import census_xml as x
from tests.factories import TeamFactory

ENDED = x.episode(x.plan("2023-05-10", "2024-05-10"))
OPEN = x.episode(x.plan("2024-06-01"))


@pytest.fixture
def compared(monkeypatch):
    """The LAchildIDs of the children the import compared with what is held, in order."""
    seen = []
    compare = history_import._plan_child

    def spy(census_child, *args):
        seen.append(census_child.local_child_id)
        return compare(census_child, *args)

    monkeypatch.setattr(history_import, "_plan_child", spy)
    return seen


def three_children() -> str:
    return x.census(x.child("S1", ENDED, OPEN), x.child("S2", OPEN), x.child("S3", ENDED))


def test_an_unchanged_return_is_counted_without_reading_a_child(db, tmp_path, compared, django_assert_num_queries):
    path = x.write(tmp_path, "r.xml", three_children())
    first = import_census(str(path))
    assert compared == ["S1", "S2", "S3"] and first.children_created == 3
    compared.clear()

    # One look-up of the digests per batch, inside no transaction: nothing is written.
    with django_assert_num_queries(1):
        again = import_census(str(path))

    assert compared == []
    assert again.counts() == {
        "children_read": 3,
        "children_created": 0,
        "children_updated": 0,
        "children_unchanged": 3,
        "children_rejected": 0,
        "plans_created": 0,
        "plans_updated": 0,
        "plans_unchanged": 4,
    }
    assert again.lines()[0] == "Children: 0 created, 0 updated, 3 unchanged, 0 rejected"


def test_a_changed_child_is_read_and_imported_and_the_rest_are_not(db, tmp_path, compared):
    import_census(str(x.write(tmp_path, "r.xml", three_children())))
    compared.clear()
    ended = x.episode(x.plan("2024-06-01", "2025-01-10"))
    changed = x.census(x.child("S1", ENDED, OPEN), x.child("S2", ended), x.child("S3", ENDED))

    summary = import_census(str(x.write(tmp_path, "changed.xml", changed)))

    assert compared == ["S2"]
    assert (summary.children_updated, summary.children_unchanged, summary.plans_updated, summary.plans_unchanged) == (
        1,
        2,
        1,
        3,
    )
    assert CPPlan.objects.get(child__local_child_id="S2").end_date.isoformat() == "2025-01-10"
    # The change is now what is held: the same return again reads nobody.
    compared.clear()
    assert import_census(str(x.write(tmp_path, "changed.xml", changed))).children_unchanged == 3
    assert compared == []


def test_a_correction_makes_the_next_import_read_the_child_again(council, tmp_path, compared):
    path = x.write(tmp_path, "r.xml", three_children())
    import_census(str(path))
    compared.clear()
    plan = CPPlan.objects.get(child__local_child_id="S2")

    plan_correct(plan=plan, user=council.data_manager, values={"latest_category": "PHY"}, reason="Recorded wrongly.")
    assert not ImportedChild.objects.filter(child=plan.child).exists()

    summary = import_census(str(path))
    assert compared == ["S2"]
    # The return's value goes back over the correction, as it always has when a child is compared.
    assert (summary.children_updated, summary.children_unchanged) == (1, 2)
    assert CPPlan.objects.get(pk=plan.pk).latest_category == "NEG"


def test_a_plan_or_census_value_written_elsewhere_drops_the_digest_and_a_team_does_not(db, tmp_path):
    import_census(str(x.write(tmp_path, "r.xml", three_children())))
    kept = set(ImportedChild.objects.values_list("child__local_child_id", flat=True))
    assert kept == {"S1", "S2", "S3"}

    Child.objects.filter(local_child_id="S1").update(team=TeamFactory())
    CPPlan.objects.create(
        child=Child.objects.get(local_child_id="S3"),
        start_date="2024-08-01",
        initial_category="NEG",
        latest_category="NEG",
    )
    child = Child.objects.get(local_child_id="S2")
    child.ethnicity = "WOTH"
    child.save()

    assert set(ImportedChild.objects.values_list("child__local_child_id", flat=True)) == {"S1"}


def test_another_version_of_the_import_reads_every_child_again(db, tmp_path, compared, monkeypatch):
    path = x.write(tmp_path, "r.xml", three_children())
    import_census(str(path))
    compared.clear()

    monkeypatch.setattr(history_import, "CODE_VERSION", b"rules changed")
    summary = import_census(str(path))

    assert compared == ["S1", "S2", "S3"]
    assert summary.children_unchanged == 3
    compared.clear()
    import_census(str(path))
    assert compared == []


def test_another_years_return_with_the_same_element_reads_the_child(db, tmp_path, compared):
    import_census(str(x.write(tmp_path, "2025.xml", x.census(x.child("S2", OPEN)))))
    compared.clear()
    summary = import_census(str(x.write(tmp_path, "2026.xml", x.census(x.child("S2", OPEN), reference="2026-03-31"))))
    assert compared == ["S2"]
    assert CPPlan.objects.get(child__local_child_id="S2").source_date.isoformat() == "2026-03-31"
    assert summary.plans_updated == 1


def test_a_rejected_child_is_read_and_rejected_every_time(db, tmp_path, compared):
    broken = x.child("BAD", x.episode(x.plan("2024-06-01", "2024-05-01")))
    path = x.write(tmp_path, "r.xml", x.census(x.child("S2", OPEN), broken))
    assert import_census(str(path)).children_rejected == 1
    compared.clear()

    summary = import_census(str(path))

    assert (summary.children_read, summary.children_unchanged, summary.children_rejected) == (2, 1, 1)
    assert [r.child_id for r in summary.rejections] == ["BAD"]


def test_a_child_shown_twice_is_read_in_both_showings_once_one_changed(db, tmp_path, compared):
    before, after = x.child("T", x.episode(x.plan("2024-06-01"))), x.child("T", OPEN, birth="2015-06-02")
    path = x.write(tmp_path, "twice.xml", x.census(before, after))
    import_census(str(path))
    assert Child.objects.get(local_child_id="T").date_of_birth.isoformat() == "2015-06-02"
    compared.clear()

    import_census(str(path))

    # The first showing's element is not the one kept (the second's is), so it is read and written;
    # the second must then be read too, or the child would be left as the first showing says.
    assert compared == ["T", "T"]
    assert Child.objects.get(local_child_id="T").date_of_birth.isoformat() == "2015-06-02"
