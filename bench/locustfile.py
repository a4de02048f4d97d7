"""The three roles' real calls, for `make load` (bench/load.py starts a private system and runs this file
with Locust, headless). Each simulated user works at a constant pace (`constant_throughput`), so the
offered load is users x pace whatever the answers' speed; the run is bounded in time (--run-time) and in
count (RTW_LOAD_MAX_REQUESTS, after which Locust stops).

The mix: the therapist opens cases and reads them (one and the list), the insurer reads a case's status
and the list, the employer lists accommodation requests. Tokens are real (Keycloak) and renewed before
they expire."""

from __future__ import annotations

import json
import os
import random
import threading
from collections import deque

import gevent
from locust import FastHttpUser, constant_throughput, events, task

from rtw_devstack.journey import new_case
from rtw_shared.testing import Tokens

INTAKE = os.environ.get("RTW_LOAD_INTAKE_URL", "http://127.0.0.1:8101")
EMPLOYER = os.environ.get("RTW_LOAD_EMPLOYER_URL", "http://127.0.0.1:8103")
USER_RATE = float(os.environ.get("RTW_LOAD_USER_RATE", "5"))  # tasks per second per simulated user
MAX_REQUESTS = int(os.environ.get("RTW_LOAD_MAX_REQUESTS", "0"))  # 0: bounded by --run-time only
TOKENS = Tokens(
    os.environ.get("RTW_LOAD_KEYCLOAK_URL", "http://127.0.0.1:58080"), os.environ.get("RTW_LOAD_REALM", "rtw")
)

_token_lock = threading.Lock()  # gevent-patched: one greenlet asks Keycloak, the others wait for it
_cases: deque[str] = deque(maxlen=1000)  # cases tara opened (all of them northwind's, so ivy may read them)
_sent = 0


def headers(user: str, **extra: str) -> dict[str, str]:
    with _token_lock:
        token = TOKENS.user(user)
    return {"Authorization": f"Bearer {token}", **extra}


@events.request.add_listener
def _count(**_kwargs) -> None:
    """Stop the whole run once MAX_REQUESTS have been sent."""
    global _sent
    _sent += 1
    if MAX_REQUESTS and _sent == MAX_REQUESTS:
        runner = _environment.runner if _environment else None
        if runner is not None:
            gevent.spawn(runner.quit)


_environment = None


@events.init.add_listener
def _remember(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


class Roles(FastHttpUser):
    """One simulated person at a time, in the proportions below, at USER_RATE calls per second."""

    host = INTAKE
    wait_time = constant_throughput(USER_RATE)

    def _a_case(self) -> str:
        if not _cases:
            self.therapist_opens_a_case()
        return random.choice(_cases) if _cases else "00000000-0000-0000-0000-000000000000"  # noqa: S311

    @task(1)
    def therapist_opens_a_case(self) -> None:
        with self.client.post(
            f"{INTAKE}/v1/cases",
            data=json.dumps(new_case()),  # a claim number of its own: intake registers a claim once
            headers=headers("tara", **{"Content-Type": "application/json"}),
            name="therapist POST /v1/cases",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                _cases.append(response.json()["id"])
                response.success()
            else:
                response.failure(f"{response.status_code}")

    @task(2)
    def therapist_reads_a_case(self) -> None:
        self.client.get(f"{INTAKE}/v1/cases/{self._a_case()}", headers=headers("tara"), name="therapist GET case")

    @task(1)
    def therapist_lists_cases(self) -> None:
        self.client.get(f"{INTAKE}/v1/cases?limit=20", headers=headers("tara"), name="therapist GET /v1/cases")

    @task(3)
    def insurer_reads_status(self) -> None:
        case_id = self._a_case()
        self.client.get(f"{INTAKE}/v1/cases/{case_id}/status", headers=headers("ivy"), name="insurer GET status")

    @task(1)
    def insurer_lists_cases(self) -> None:
        self.client.get(f"{INTAKE}/v1/cases?limit=20", headers=headers("ivy"), name="insurer GET /v1/cases")

    @task(2)
    def employer_lists_accommodations(self) -> None:
        self.client.get(
            f"{EMPLOYER}/v1/accommodations?limit=20", headers=headers("erin"), name="employer GET accommodations"
        )
