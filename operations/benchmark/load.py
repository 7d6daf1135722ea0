"""The load generator: 10 signed-in people on one page at a time, with locust (run as a script).

    python -m operations.benchmark.load CONFIG.json

It imports nothing from Django: locust patches the standard library with gevent when imported, so
it runs in a process of its own. CONFIG names the site, the pages (each with its path and the
session keys of the people who look at it), how many people, for how long and how long each
waits between pages. It prints, as JSON, each page's request count, failures, median, 95th
percentile and requests per second. A page answering anything but 200 (a redirect to sign in
included) counts as a failure, so a lost session cannot pass for a fast page.
"""

import itertools
import json
import sys
import time

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment

# Production settings redirect plain HTTP to HTTPS unless the proxy says the request came over TLS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def page_user(page: dict, config: dict) -> type:
    sessions = itertools.cycle(page.get("sessions") or [None])

    # FastHttpUser (geventhttpclient) costs a fraction of HttpUser's CPU per request: the load runs on the
    # same two cores as the site, so a lighter client leaves more of them to the pages measured.
    class PageUser(FastHttpUser):
        host = config["host"]
        wait_time = constant(config.get("wait", 0))

        def on_start(self):
            # The session cookie is sent as a header: production's cookies are Secure, which a
            # cookie jar would keep off plain HTTP on the loopback.
            self.headers = dict(PROXY_HEADERS)
            key = next(sessions)
            if key:
                self.headers["Cookie"] = f"sessionid={key}"

        @task
        def look(self):
            with self.client.get(
                page["path"], name=page["name"], headers=self.headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code} {response.headers.get('Location', '')}".strip())

    PageUser.__name__ = f"User_{page['name']}"
    return PageUser


def measure(page: dict, config: dict) -> dict:
    """Load one page for the duration, and on until each person has had at least one answer."""
    env = Environment(user_classes=[page_user(page, config)])
    runner = env.create_local_runner()
    runner.start(config["users"], spawn_rate=config["users"])
    started = time.monotonic()
    gevent.sleep(config["duration"])

    def answered() -> int:
        # Looked up each time: starting the runner clears the stats after start() returns.
        return env.stats.get(page["name"], "GET").num_requests

    while answered() < config["users"] and time.monotonic() - started < config["duration"] + 300:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    runner.quit()
    entry = env.stats.get(page["name"], "GET")
    errors = sorted({str(error.error) for error in env.stats.errors.values()})
    return {
        "path": page["path"],
        "requests": entry.num_requests,
        "errors": entry.num_failures,
        "median_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
        "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
        "requests_per_s": round(entry.num_requests / elapsed, 2),
        "seconds": round(elapsed, 1),
        "error_examples": errors[:3],
    }


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as file:
        config = json.load(file)
    results = {page["name"]: measure(page, config) for page in config["pages"]}
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
