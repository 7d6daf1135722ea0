"""docs/api.md runs as written: its `sh` blocks, in order, in one bash, with curl against the demo app.

The only change is the address in the guide's first block, which becomes the test server's. The
management commands in the guide run against the same (test) database as the server.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection

from api.models import ServiceAccount
from audit.models import AuditEvent
from cases.models import Child
from conferences.models import ConferenceRequest, State

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "api.md"
ADDRESS_LINE = "API=http://127.0.0.1:8000"


def shell_blocks() -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_readme_links_the_guide():
    assert "docs/api.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/usr/bin/curl").exists(), reason="the guide's examples need the curl binary")
def test_every_example_in_the_guide_runs_as_written(live_server, django_db_blocker):
    call_command("demo_data", children=12, stdout=open(os.devnull, "w"))  # noqa: SIM115
    screening = ConferenceRequest.objects.filter(state=State.CPC_SCREENING).order_by("-created_at").first()
    assert screening is not None, "the demo has a request at CP chair screening"
    blocks = shell_blocks()
    assert blocks[0].strip() == ADDRESS_LINE
    script = "\n".join([f"API={live_server.url}", *blocks[1:]])
    database = connection.settings_dict
    params = connection.get_connection_params()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        # The host goes in the query so that the embedded server's socket folder works like a TCP host.
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@/{database['NAME']}?"
        + urlencode({key: params[key] for key in ("host", "port") if params.get(key)}),
    }

    completed = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    out = completed.stdout
    assert "Rule 8840" in out  # the refused plan names its census rule
    assert out.rstrip().endswith("401")  # the revoked token is refused at once
    assert '"state":"draft"' in out.replace(" ", "")  # returned for information
    child = Child.objects.get(local_child_id="DEMO0002")
    plan = child.plans.get(other_council="Cardiff")
    assert str(plan.end_date) == "2021-08-02"
    mosaic = ServiceAccount.objects.get(user__username="mosaic").user
    assert AuditEvent.objects.filter(actor=mosaic, action="api_call").count() == 6
    assert AuditEvent.objects.filter(actor=mosaic, action="correct_plan").exists()
