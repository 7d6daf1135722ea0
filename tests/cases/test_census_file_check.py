"""Nothing from a broken file (issue 13, item 2).

A file that is cut short, whose bytes do not match its encoding label, whose label names no
encoding, or whose root is not the census <Message> imports nothing, and says what is wrong in
one line: from the command (exit status 1, no traceback) and on the upload page (the run ends
as failed). A readable return, with or without a namespace and in any encoding it names
truthfully, still goes in.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.census import CensusFileError, check_census_file
from cases.history_import import import_census
from cases.models import Child, CPPlan, ImportRun
from tests.cases import census_xml as x


def two_children(**census) -> str:
    return x.census(x.child("A", x.episode(x.plan("2024-05-01"))), x.child("B"), **census)


def cut_short() -> bytes:
    """The sample return, broken off half-way through: 176 of its 355 children come before the cut."""
    data = x.SAMPLE.read_bytes()
    return data[: len(data) // 2]


def latin1_labelled_utf8() -> bytes:
    """A return that says UTF-8 but whose second child was typed in Windows-1252 ("Zoé")."""
    return two_children().replace("<LAchildID>B<", "<LAchildID>Zoé<").encode("latin-1")


def labelled_ansi() -> bytes:
    return two_children().replace('encoding="UTF-8"', 'encoding="ANSI"').encode()


def rss_feed() -> bytes:
    """A foreign document that happens to hold a census-shaped <Child>."""
    child = x.child("A", x.episode(x.plan("2024-05-01")))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><item>{child}</item></channel></rss>'.encode()


def no_reference_date() -> bytes:
    return two_children().replace("<ReferenceDate>2025-03-31</ReferenceDate>", "").encode()


BROKEN = {
    "cut short": (cut_short, "cut short"),
    "latin-1 bytes labelled UTF-8": (latin1_labelled_utf8, "says its characters are UTF-8 but byte b'\\xe9'"),
    "unknown encoding label": (labelled_ansi, "encoding 'ANSI', which is not an encoding name"),
    "foreign root": (rss_feed, "root element is <rss>, not the census <Message>"),
    "no reference date": (no_reference_date, "needs a ReferenceDate"),
    "not XML inside": (lambda: b"<Message><Header></Message>", "not well-formed XML: mismatched tag at line 1"),
    "another collection": (lambda: two_children().replace(">CIN<", ">SWF<").encode(), "not the CIN census"),
    "a document type": (
        lambda: two_children().replace("<Message>", '<!DOCTYPE Message [<!ENTITY c "<Child/>">]><Message>').encode(),
        "declares a document type (<!DOCTYPE Message>)",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_imports_nothing_and_says_why_in_one_line(db, tmp_path, case):
    make, expected = BROKEN[case]
    path = tmp_path / "broken.xml"
    path.write_bytes(make())
    with pytest.raises(CensusFileError) as refused:
        import_census(str(path))
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not Child.objects.exists() and not CPPlan.objects.exists()


@pytest.mark.parametrize("case", BROKEN)
def test_the_command_refuses_a_broken_file_naming_the_fault(db, tmp_path, case):
    make, expected = BROKEN[case]
    path = tmp_path / "broken.xml"
    path.write_bytes(make())
    with pytest.raises(CommandError) as refused:
        call_command("import_cin_census", str(path), "--no-progress", stdout=io.StringIO())
    assert expected in str(refused.value) and "Nothing was imported" in str(refused.value)
    assert not Child.objects.exists()


@pytest.mark.parametrize("case", ["cut short", "unknown encoding label", "latin-1 bytes labelled UTF-8"])
def test_from_the_shell_the_command_exits_1_with_one_line_and_no_traceback(tmp_path, case):
    """The real command line, as an operator runs it (the file is refused before any query)."""
    make, expected = BROKEN[case]
    path = tmp_path / "broken.xml"
    path.write_bytes(make())
    done = subprocess.run(
        [sys.executable, "manage.py", "import_cin_census", str(path)],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert expected in lines[0] and "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("case", BROKEN)
def test_the_upload_page_shows_the_fault_and_the_run_ends_failed(
    client, council, media, django_capture_on_commit_callbacks, case
):
    make, expected = BROKEN[case]
    client.force_login(council.data_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("history_import:upload"), {"file": SimpleUploadedFile("return.xml", make())})
    run = ImportRun.objects.get()
    response = client.get(reverse("history_import:run", kwargs={"pk": run.pk}))
    assert run.status == ImportRun.Status.FAILED and not run.is_active
    assert expected in run.error and "\n" not in run.error
    assert (run.children_read, run.children_created, run.finished_at is not None) == (0, 0, True)
    page = response.content.decode()
    assert "The import stopped" in page
    assert expected.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;") in page
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    "name, data",
    [
        ("namespaced", two_children().replace("<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">').encode()),
        ("UTF-16 with its mark", two_children().replace("UTF-8", "UTF-16").encode("utf-16")),
        (
            "Windows-1252, labelled so",
            two_children().replace("UTF-8", "windows-1252").replace(">B<", ">Zoé<").encode("cp1252"),
        ),
        ("no declaration", two_children().split("\n", 1)[1].encode()),
    ],
)
def test_a_readable_return_goes_in_whatever_its_namespace_or_truthful_encoding(db, tmp_path, name, data):
    path = tmp_path / "return.xml"
    path.write_bytes(data)
    summary = import_census(str(path))
    assert (summary.children_created, summary.rejections) == (2, [])
    assert Child.objects.filter(local_child_id__in=["B", "Zoé"]).count() == 1


def test_the_check_reads_the_whole_sample_and_counts_its_children():
    with x.SAMPLE.open("rb") as stream:
        found = check_census_file(stream)
    assert (str(found.reference_date), found.children) == ("2025-03-31", 355)
