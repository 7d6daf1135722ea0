"""`manage.py benchmark`: the product at a council's size, measured beside its floors in one run.

1. Its own database. `repeatplans_bench_<N>` is built once (migrated as the owner, then
   `generate_history --children N`) and kept; each run works on a copy of it
   (`CREATE DATABASE ... TEMPLATE`), so the census import is a first import every time, and the
   copy is dropped at the end.
2. The site as production runs it: gunicorn with 2 workers on the loopback, production settings,
   connected as the app's own database role (audit/database_roles.py).
3. The pages under 10 signed-in people each (operations/benchmark/load.py, locust), beside the
   sign-in page in the same run: the framework's floor.
4. The indicators over ten years: the `indicators` command (the whole report the page shows), the
   page, and the same report's SQL statements run directly, the database's floor.
5. The census import of a generated return (operations/benchmark/census.py) beside a plain
   parse-and-insert of the same rows, then again with the file unchanged.
6. `assess` for a child with ten previous plans.

Each figure is set beside its target from issue 12 with pass or fail.
"""

import datetime
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import psycopg
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from psycopg import sql

from accounts.policy import LAST_SEEN, SIGNED_IN_AT
from cases.models import Child, CPPlan
from conferences import generated_history
from conferences.assessment import Proposal, assess
from conferences.models import ConferenceRequest
from conferences.selectors import plan_records
from conferences.stages import State
from operations.benchmark import census
from quality import indicators as indicator_figures
from quality.forms import IndicatorPageForm

PROJECT_ROOT = Path(settings.BASE_DIR)
WORKERS = 2
USERS = 10
APP_ROLE = "repeatplans_bench_web"

# The targets (issue 12, at 100,000 children on this kind of machine).
PAGE_P95_MS = 200
PAGE_TIMES_FLOOR = 5
INDICATORS_TIMES_SQL = 1.5
INDICATORS_SECONDS = 2
PAGE_TIMES_COMMAND = 1.2
IMPORT_CHILDREN_PER_S = 2000
IMPORT_TIMES_PLAIN = 3
SECOND_IMPORT_FASTER = 5
ASSESS_MS = 1


# ---- the databases ----


def _server(dbname: str) -> psycopg.Connection:
    """A connection to `dbname` on the same server, as the owner (the project's DATABASE_URL)."""
    owner = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname,
        user=owner.get("USER") or None,
        password=owner.get("PASSWORD") or None,
        # The embedded server's socket folder is in OPTIONS, not HOST (see repeatplans/embedded_db.py).
        host=owner["OPTIONS"].get("host") or owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        autocommit=True,
    )


def _exists(name: str) -> bool:
    with _server("postgres") as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _drop(name: str) -> None:
    with _server("postgres") as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def using_database(name: str):
    """Point Django's default connection at `name` for the block, as the test runner does for its database."""
    original = connection.settings_dict["NAME"]
    connections.close_all()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = original


def prepare_database(name: str, children: int, say, schema_from: str | None = None) -> None:
    """Build `name` at this size unless it is there already; bring its migrations up to date either way.

    `schema_from` names an empty database migrated already (the tests' own) to copy instead of migrating anew.
    """
    if _exists(name):
        say(f"Using the benchmark database {name} (built before at this size).")
        with using_database(name):
            call_command("migrate", verbosity=0)
            with connection.cursor() as cursor:  # statistics for any index a new migration added
                cursor.execute("ANALYZE")
        return
    building = f"{name}_building"
    _drop(building)
    with _server("postgres") as server:
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building))
        if schema_from:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(schema_from))
        server.execute(create)
    say(f"Building {name}: migrating, then a history of {children:,} children.")
    with using_database(building):
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        generated_history.generate(children=children, out=say)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        say(f"Built in {time.perf_counter() - started:.0f} s.")
    with _server("postgres") as server:
        server.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name)))


def copy_database(template: str) -> str:
    run = f"{template}_run"
    _drop(run)
    with _server("postgres") as server:
        server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(run), sql.Identifier(template)))
    return run


# ---- who looks, and what at ----


def _people() -> dict:
    users = get_user_model().objects.select_related("staff")
    return {name: users.get(username=name) for name in ("cp.chair", "area.manager", "auditor", "worker")}


def sessions_for(user, count: int, secret_key: str) -> list[str]:
    """Signed-in sessions as the sign-in page leaves them: the user, the time stamps the session limits
    read, and, for a role that needs one, a confirmed authenticator app used this session."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Benchmark", defaults={"confirmed": True})
    now = time.time()
    keys = []
    with override_settings(SECRET_KEY=secret_key):
        for _ in range(count):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[SIGNED_IN_AT] = now
            session[LAST_SEEN] = now
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.create()
            keys.append(session.session_key)
    return keys


def pages(people: dict, secret_key: str) -> list[dict]:
    fifty = Child.objects.get(local_child_id=generated_history.FIFTY_PLANS_CHILD)
    screened = ConferenceRequest.objects.filter(state=State.CPC_SCREENING).order_by("-child__plans__start_date").first()
    surname = Child.objects.order_by("pk").values_list("last_name", flat=True).first()

    def signed_in(name):
        return sessions_for(people[name], USERS, secret_key)

    return [
        {"name": "floor_sign_in_page", "path": reverse("login"), "sessions": None},
        {"name": "cp_chair_queue", "path": reverse("decisions:dashboard"), "sessions": signed_in("cp.chair")},
        {"name": "managers_dashboard", "path": reverse("decisions:dashboard"), "sessions": signed_in("area.manager")},
        {
            "name": "child_with_fifty_plans",
            "path": reverse("cases:child_detail", args=[fifty.pk]),
            "sessions": signed_in("cp.chair"),
        },
        {
            "name": "request_page",
            "path": reverse("conferences:request_detail", args=[screened.pk]),
            "sessions": signed_in("cp.chair"),
        },
        {"name": "indicators_page", "path": reverse("quality:indicators"), "sessions": signed_in("auditor")},
        {
            "name": "child_search",
            "path": f"{reverse('cases:child_search')}?q={surname}",
            "sessions": signed_in("cp.chair"),
        },
    ]


# ---- the site ----


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(name: str, user: str, password: str) -> str:
    owner = settings.DATABASES["default"]
    host = owner["OPTIONS"].get("host") or owner.get("HOST") or "localhost"
    where = f"{host}:{owner['PORT']}" if owner.get("PORT") else host
    if host.startswith("/"):  # a socket folder
        return f"postgres://{user}:{password}@/{name}?host={host}" + (
            f"&port={owner['PORT']}" if owner.get("PORT") else ""
        )
    return f"postgres://{user}:{password}@{where}/{name}"


def site_environment(database: str, secret_key: str, app_password: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "TEST_DATABASE"))
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url(database, APP_ROLE, app_password),
        LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def gunicorn(database: str, secret_key: str, app_password: str, log: Path):
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "repeatplans.wsgi",
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=site_environment(database, secret_key, app_password),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{host}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: see {log}\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield host
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(host: str, path: str, session: str | None) -> tuple[int, float]:
    """One request as a signed-in person; its status and seconds."""
    headers = {"X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    request = urllib.request.Request(host + path, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


urllib.request.install_opener(urllib.request.build_opener(_NoRedirect))


def load(host: str, page_list: list[dict], duration: float, wait: float, work: Path) -> dict:
    for page in page_list:  # warm each worker up (templates, imports) before the clock runs
        for _ in range(WORKERS):
            status, _ = fetch(host, page["path"], (page["sessions"] or [None])[0])
            if status != 200:
                raise RuntimeError(f"{page['name']} ({page['path']}) answered {status} before the run.")
    config = work / "load.json"
    config.write_text(
        json.dumps({"host": host, "users": USERS, "duration": duration, "wait": wait, "pages": page_list})
    )
    done = subprocess.run(
        [sys.executable, "-m", "operations.benchmark.load", str(config)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"locust failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# ---- the indicators ----


# The indicators' database floor: the very statements the command's report sends for the period (the
# plans, the requests, the median days in stage, the names; quality.indicators.report), captured once
# and run directly, so that the command's time beyond it is its own work: shaping the rows into the
# report and printing it. (Until the command printed the whole report the page shows, the floor was
# one hand-written query of the headline plan figures, which no longer computed what the command does.)
def indicator_statements(period) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        indicator_figures.report(*period)
    return [query["sql"] for query in queries.captured_queries]


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def indicators(host: str, auditor_session: str, today: datetime.date, repeats: int) -> dict:
    ten_years = (today - relativedelta(years=10) + datetime.timedelta(days=1), today)
    page_years = min(10, IndicatorPageForm.max_years or 10)
    page_period = (today - relativedelta(years=page_years) + datetime.timedelta(days=1), today)

    def command(period):
        call_command("indicators", "--from", period[0].isoformat(), "--to", period[1].isoformat(), stdout=StringIO())

    floor_statements = indicator_statements(ten_years)

    def database_floor():
        with connection.cursor() as cursor:
            for statement in floor_statements:
                cursor.execute(statement)
                cursor.fetchall()

    def page(period):
        status, seconds = fetch(
            host,
            f"{reverse('quality:indicators')}?date_from={period[0].isoformat()}&date_to={period[1].isoformat()}",
            auditor_session,
        )
        if status != 200:
            raise RuntimeError(f"The indicators page answered {status} for {period[0]} to {period[1]}.")
        return seconds

    runs = {"command": [], "sql": [], "page": [], "command_page_period": []}
    for _ in range(repeats):  # alternating, so a passing load on the machine falls on all of them
        runs["command"].append(_timed(lambda: command(ten_years)))
        runs["sql"].append(_timed(database_floor))
        runs["page"].append(page(page_period))
        if page_period != ten_years:
            runs["command_page_period"].append(_timed(lambda: command(page_period)))
    medians = {name: statistics.median(values) for name, values in runs.items() if values}
    command_for_page = medians.get("command_page_period", medians["command"])
    return {
        "period_years": 10,
        "page_period_years": page_years,
        "runs": repeats,
        "command_s": round(medians["command"], 3),
        "sql_floor_s": round(medians["sql"], 3),
        "page_s": round(medians["page"], 3),
        "command_for_page_period_s": round(command_for_page, 3),
        "command_times_sql": round(medians["command"] / medians["sql"], 2),
        "page_times_command": round(medians["page"] / command_for_page, 2),
    }


# ---- the census import ----


def _probe(how: str, path: Path, database: str) -> dict:
    env = dict(os.environ)
    owner = settings.DATABASES["default"]
    env["DATABASE_URL"] = database_url(database, owner.get("USER") or "", owner.get("PASSWORD") or "")
    env.setdefault("DJANGO_SETTINGS_MODULE", "repeatplans.settings")
    done = subprocess.run(
        [sys.executable, "-m", "operations.benchmark.census", how, str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"census {how} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def census_import(database: str, children: int, work: Path) -> dict:
    path = work / "census.xml"
    plans = census.write_return(path, children)
    plain = _probe("plain", path, database)
    imported = _probe("import", path, database)
    first, second = imported["first"], imported["second"]
    return {
        "children": children,
        "plans": plans,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "first": {**first, "children_per_s": round(children / first["seconds"])},
        "plain": {**plain, "children_per_s": round(children / plain["seconds"])},
        "second": {**second, "children_per_s": round(children / second["seconds"])},
        "first_times_plain": round(first["seconds"] / plain["seconds"], 2),
        "second_faster_by": round(first["seconds"] / second["seconds"], 2),
    }


# ---- the assessment ----


def assessment(today: datetime.date) -> dict:
    child = Child.objects.get(local_child_id=generated_history.TEN_PLANS_CHILD)
    history = plan_records(Child.objects.prefetch_related("plans__services").get(pk=child.pk))
    proposal = Proposal(categories=frozenset({"NEG"}), factors=frozenset({"3B"}), services=frozenset({"Parenting"}))
    calls = 2000
    seconds = statistics.median(timeit.repeat(lambda: assess(history, proposal, today), number=calls, repeat=5))
    return {"previous_plans": len(history), "calls": calls, "ms_per_call": round(seconds / calls * 1000, 4)}


# ---- the report ----


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        total_kb = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _check(name, figure, target, passed, baseline=None, ratio=None) -> dict:
    return {"what": name, "figure": figure, "baseline": baseline, "ratio": ratio, "target": target, "pass": passed}


def targets(result: dict) -> list[dict]:
    rows = []
    floor = result["pages"]["floor_sign_in_page"]
    for name, page in result["pages"].items():
        if name == "floor_sign_in_page":
            continue
        p95 = page["p95_ms"]
        ratio = round(p95 / floor["p95_ms"], 1) if p95 and floor["p95_ms"] else None
        rows.append(
            _check(
                f"{name} p95",
                f"{p95} ms ({page['errors']} errors)",
                f"<= {PAGE_P95_MS} ms, <= {PAGE_TIMES_FLOOR}x floor, no errors",
                p95 is not None and p95 <= PAGE_P95_MS and ratio <= PAGE_TIMES_FLOOR and page["errors"] == 0,
                baseline=f"{floor['p95_ms']} ms",
                ratio=ratio,
            )
        )
    figures = result["indicators"]
    rows.append(
        _check(
            "indicators command, 10 years",
            f"{figures['command_s']} s",
            f"<= {INDICATORS_TIMES_SQL}x SQL, < {INDICATORS_SECONDS} s",
            figures["command_times_sql"] <= INDICATORS_TIMES_SQL and figures["command_s"] < INDICATORS_SECONDS,
            baseline=f"SQL {figures['sql_floor_s']} s",
            ratio=figures["command_times_sql"],
        )
    )
    rows.append(
        _check(
            f"indicators page, {figures['page_period_years']} years",
            f"{figures['page_s']} s",
            f"<= {PAGE_TIMES_COMMAND}x command",
            figures["page_times_command"] <= PAGE_TIMES_COMMAND,
            baseline=f"command {figures['command_for_page_period_s']} s",
            ratio=figures["page_times_command"],
        )
    )
    imported = result["import"]
    rows.append(
        _check(
            f"census import, {imported['children']:,} children",
            f"{imported['first']['children_per_s']:,} children/s, {imported['first']['peak_memory_mb']} MB",
            f">= {IMPORT_CHILDREN_PER_S:,}/s, <= {IMPORT_TIMES_PLAIN}x plain",
            imported["first"]["children_per_s"] >= IMPORT_CHILDREN_PER_S
            and imported["first_times_plain"] <= IMPORT_TIMES_PLAIN,
            baseline=f"plain {imported['plain']['seconds']} s, {imported['plain']['peak_memory_mb']} MB",
            ratio=imported["first_times_plain"],
        )
    )
    rows.append(
        _check(
            "census import again, unchanged",
            f"{imported['second']['seconds']} s",
            f">= {SECOND_IMPORT_FASTER}x faster than the first",
            imported["second_faster_by"] >= SECOND_IMPORT_FASTER,
            baseline=f"first {imported['first']['seconds']} s",
            ratio=imported["second_faster_by"],
        )
    )
    rows.append(
        _check(
            f"assess, {result['assess']['previous_plans']} previous plans",
            f"{result['assess']['ms_per_call']} ms",
            f"< {ASSESS_MS} ms",
            result["assess"]["ms_per_call"] < ASSESS_MS,
        )
    )
    return rows


def table(result: dict) -> str:
    lines = []
    size = result["size"]
    lines.append(
        f"Benchmark {result['date']}: {size['children']:,} children, {size['plans']:,} plans, "
        f"{size['requests']:,} requests ({size['open_at_screening']:,} at screening); "
        f"{WORKERS} gunicorn workers, {USERS} users per page for {result['settings']['duration_s']} s."
    )
    lines.append("")
    header = f"{'page':<26}{'median ms':>10}{'p95 ms':>9}{'req/s':>8}{'errors':>8}{'x floor p50':>12}{'x p95':>8}"
    lines += [header, "-" * len(header)]
    floor = result["pages"]["floor_sign_in_page"]
    for name, page in result["pages"].items():
        median_ratio = page["median_ms"] / floor["median_ms"] if page["median_ms"] and floor["median_ms"] else 0
        p95_ratio = page["p95_ms"] / floor["p95_ms"] if page["p95_ms"] and floor["p95_ms"] else 0
        lines.append(
            f"{name:<26}{page['median_ms'] or 0:>10.0f}{page['p95_ms'] or 0:>9.0f}{page['requests_per_s']:>8.1f}"
            f"{page['errors']:>8}{median_ratio:>12.1f}{p95_ratio:>8.1f}"
        )
    lines.append("")
    header = f"{'target':<40}{'figure':<34}{'beside':<28}{'ratio':>7}  {'target':<36}result"
    lines += [header, "-" * len(header)]
    for row in result["targets"]:
        ratio = row["ratio"] if row["ratio"] is not None else ""
        verdict = "pass" if row["pass"] else "FAIL"
        lines.append(
            f"{row['what']:<40}{row['figure']:<34}{row['baseline'] or '':<28}{ratio:>7}  {row['target']:<36}{verdict}"
        )
    return "\n".join(lines)


def benchmark(
    children: int,
    duration: float,
    import_children: int,
    database: str | None,
    wait: float,
    keep: bool,
    say,
    schema_from: str | None = None,
    repeats: int = 5,
) -> dict:
    template = database or f"repeatplans_bench_{children}"
    prepare_database(template, children, say, schema_from)
    run = copy_database(template)
    today = timezone.localdate()
    secret_key = secrets.token_urlsafe(50)
    app_password = secrets.token_urlsafe(24)
    try:
        with using_database(run), tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
            work = Path(folder)
            call_command("create_app_role", APP_ROLE, password=app_password, stdout=StringIO())
            result = {
                "date": timezone.now().isoformat(timespec="seconds"),
                "machine": machine(),
                "database": template,
                "size": {
                    "children": Child.objects.count(),
                    "plans": CPPlan.objects.count(),
                    "requests": ConferenceRequest.objects.count(),
                    "open_at_screening": ConferenceRequest.objects.filter(state=State.CPC_SCREENING).count(),
                },
                "settings": {
                    "duration_s": duration,
                    "users_per_page": USERS,
                    "workers": WORKERS,
                    "wait_s": wait,
                    "indicator_runs": repeats,
                },
            }
            people = _people()
            page_list = pages(people, secret_key)
            auditor_session = sessions_for(people["auditor"], 1, secret_key)[0]
            with gunicorn(run, secret_key, app_password, work / "gunicorn.log") as host:
                say(f"Pages: {len(page_list)} pages, {duration} s each.")
                result["pages"] = load(host, page_list, duration, wait, work)
                say("Indicators: the command, the page and the SQL floor.")
                result["indicators"] = indicators(host, auditor_session, today, repeats)
            say(f"Census import: {import_children:,} children, beside a plain insert, then again unchanged.")
            result["import"] = census_import(run, import_children, work)
            result["assess"] = assessment(today)
            result["targets"] = targets(result)
            result["table"] = table(result)
    finally:
        if not keep:
            _drop(run)
    return result
