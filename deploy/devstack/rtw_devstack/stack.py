"""The whole local stack: start what is missing (reusing what already runs), stop what runs,
say what runs. Components share one small interface: is_ready / start / stop / describe."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from . import ui
from .config import StackSettings
from .errors import StackError
from .kafka import Kafka
from .keycloak import Keycloak
from .mail import SmtpSink
from .postgres import Postgres
from .services import SERVICE_DEFS, ServiceComponent
from .supervision import Supervisor

INFRASTRUCTURE = ("postgres", "kafka", "keycloak", "smtp")


class Component(Protocol):
    name: str

    def is_ready(self) -> bool: ...
    def start(self) -> None: ...
    def provision(self) -> None: ...
    def stop(self) -> None: ...
    def describe(self) -> str: ...


@dataclass
class Outcome:
    name: str
    started: bool  # False: it was already running and was reused
    seconds: float


def components(settings: StackSettings) -> dict[str, Component]:
    """Every component, in start order: the infrastructure, the supervisor, then the four services."""
    infrastructure = (Postgres(settings), Kafka(settings), Keycloak(settings), SmtpSink(settings))
    services = tuple(ServiceComponent(settings, defn) for defn in SERVICE_DEFS)
    in_order: tuple[Component, ...] = (*infrastructure, Supervisor(settings), *services)
    return {c.name: c for c in in_order}


def ensure(settings: StackSettings, names: list[str] | None = None) -> list[Outcome]:
    """Start each named component that is not running yet and wait until it is ready.

    PostgreSQL goes first and alone (it is quick, and later steps may need it); the slower JVM
    servers start side by side, which on two cores saves several seconds; the services start
    last, side by side, once everything they talk to is ready."""
    chosen = [c for n, c in components(settings).items() if names is None or n in names]
    phases = [
        [c for c in chosen if c.name == "postgres"],
        [c for c in chosen if c.name in INFRASTRUCTURE and c.name != "postgres"],
        [c for c in chosen if c.name == Supervisor.name],
        [c for c in chosen if c.name not in (*INFRASTRUCTURE, Supervisor.name)],
    ]
    outcomes: list[Outcome] = []
    for phase in phases:
        outcomes += _ensure_side_by_side(phase)
    return outcomes


def _ensure_side_by_side(chosen: list[Component]) -> list[Outcome]:
    if not chosen:
        return []
    outcomes, errors = [], []
    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
        for future in [pool.submit(_ensure_one, c) for c in chosen]:
            try:
                outcomes.append(future.result())
            except StackError as error:
                errors.append(error)
    if errors:
        raise StackError("\n".join(str(e) for e in errors))
    return outcomes


def _ensure_one(component: Component) -> Outcome:
    began = time.monotonic()
    if component.is_ready():
        ui.say(component.name, f"already running: {component.describe()}")
        component.provision()
        return Outcome(component.name, started=False, seconds=0.0)
    component.start()
    component.provision()
    seconds = time.monotonic() - began
    ui.say(component.name, f"ready in {seconds:.1f}s: {component.describe()}")
    return Outcome(component.name, started=True, seconds=seconds)


def stop(settings: StackSettings, names: list[str] | None = None) -> None:
    """Stop the named components (all by default), last started first."""
    for name, component in reversed(components(settings).items()):
        if names is not None and name not in names:
            continue
        with ui.step(name, "stopping"):
            component.stop()
        if component.is_ready():
            raise StackError(f"{name} still answers after stop: another process owns its port?")


def status(settings: StackSettings) -> dict[str, bool]:
    return {name: component.is_ready() for name, component in components(settings).items()}
