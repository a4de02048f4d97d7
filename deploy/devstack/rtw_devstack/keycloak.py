"""Keycloak 26.x from Maven Central (`keycloak-quarkus-dist` zip), built once per machine (`kc.sh
build`, in ~/.cache/rtw/keycloak) and copied into each stack's data folder, then started optimized
with the `rtw` realm imported from `deploy/keycloak/realm-rtw.json`.

Why build + `start --optimized` rather than `start-dev`: on two cores the optimized start is
faster on every warm start, and it runs Keycloak the way production does (figures in README)."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path

import httpx

from . import procs, tools, ui
from .config import StackSettings

NAME = "keycloak"
JAVA_MAJOR = 21
# The development server's bootstrap administrator (the admin console, and tests that create realms).
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin"  # development only, printed by `make up`
BUILD_OPTIONS = ("--health-enabled=true", "--metrics-enabled=true", "--db=dev-file")


class Keycloak:
    name = NAME

    def __init__(self, settings: StackSettings):
        self.settings = settings

    @property
    def version(self) -> str:
        return self.settings.keycloak_version

    @property
    def zip_path(self) -> Path:
        return self.settings.cache_dir / "downloads" / f"keycloak-quarkus-dist-{self.version}.zip"

    @property
    def home(self) -> Path:
        return self.settings.data_dir / "keycloak" / f"keycloak-{self.version}"

    @property
    def realm_file(self) -> Path:
        return self.settings.deploy_dir / "keycloak" / "realm-rtw.json"

    def is_ready(self) -> bool:
        url = f"http://{self.settings.host}:{self.settings.keycloak_management_port}/health/ready"
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def install(self, java_home: Path) -> None:
        """Download the distribution once (cached), unpack it here, and build it once."""
        if not self.zip_path.exists():
            with ui.step(NAME, f"downloading Keycloak {self.version} from Maven Central"):
                procs.run(
                    [
                        tools.maven(),
                        "-B",
                        "-q",
                        "-f",
                        str(self.settings.deploy_dir / "keycloak" / "pom.xml"),
                        f"-Dkeycloak.version={self.version}",
                        "dependency:copy",
                        f"-DoutputDirectory={self.zip_path.parent}",
                    ],
                    what="mvn dependency:copy (Keycloak)",
                )
        if _is_built(self.home):
            return
        built = self.built_home
        if not _is_built(built):
            self._build(built, java_home)
        with ui.step(NAME, f"copying the built distribution into {self.home.parent}"):
            shutil.rmtree(self.home, ignore_errors=True)
            # Its data/ is left out (the realm database, imports): each stack starts from none.
            shutil.copytree(
                built, self.home, symlinks=True, ignore=lambda folder, _: ["data"] if Path(folder) == built else []
            )

    @property
    def built_home(self) -> Path:
        """The distribution built with BUILD_OPTIONS, once per machine (a stack copies it: `kc.sh build`
        takes ~10 s of CPU, a copy well under one; `make chaos` and the tests' private stacks each need one)."""
        digest = hashlib.sha256(" ".join(BUILD_OPTIONS).encode()).hexdigest()[:10]
        return self.settings.cache_dir / "keycloak" / f"keycloak-{self.version}-{digest}"

    def _build(self, built: Path, java_home: Path) -> None:
        """Unpack and `kc.sh build` beside `built`, then move it there (another stack building at the
        same moment keeps its own copy or finds this one)."""
        built.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="keycloak-build-", dir=built.parent))
        try:
            with ui.step(NAME, f"unpacking into {scratch}"):
                _unzip(self.zip_path, scratch)
            home = scratch / f"keycloak-{self.version}"
            with ui.step(NAME, "one-time build (kc.sh build)"):
                procs.run(
                    [str(home / "bin" / "kc.sh"), "build", *BUILD_OPTIONS],
                    what="kc.sh build",
                    env={"JAVA_HOME": str(java_home)},
                )
            (home / BUILD_STAMP).write_text(" ".join(BUILD_OPTIONS))
            with contextlib.suppress(OSError):  # already there: built by another stack meanwhile
                home.rename(built)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def start(self) -> None:
        java_home = tools.java_home(JAVA_MAJOR, env_var="RTW_KEYCLOAK_JAVA_HOME")
        self.install(java_home)
        self._stage_realm()
        s = self.settings
        with ui.step(NAME, f"starting on {s.keycloak_url} (health on :{s.keycloak_management_port})"):
            procs.spawn(
                s,
                NAME,
                [
                    str(self.home / "bin" / "kc.sh"),
                    "start",
                    "--optimized",
                    "--import-realm",
                    "--http-enabled=true",
                    f"--http-host={s.host}",
                    f"--http-port={s.keycloak_port}",
                    f"--http-management-port={s.keycloak_management_port}",
                    # A fixed public URL makes the tokens' `iss` the same whoever asks.
                    f"--hostname={s.keycloak_url}",
                    # Keycloak 26 refuses a user's concurrent sign-ins ("user_temporarily_disabled", no
                    # failure recorded) while brute-force detection is on. Tests sign the demo users in
                    # from several processes at once; this development server lets them. Failures still
                    # count: a wrong password still locks the account out.
                    "--spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests=true",
                ],
                env={
                    "JAVA_HOME": str(java_home),
                    "KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USER,
                    "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
                    "JAVA_OPTS_KC_HEAP": "-Xms256m -Xmx768m",
                    # On Java 24+ Quarkus' worker threads cannot reset their thread-locals without
                    # this (an IllegalAccessError per request in the log); seen with them failing:
                    # demo users refused as "temporarily disabled" though none had failed a login.
                    "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED",
                },
            )
            if not procs.wait_until(self._started_and_ready, 240, interval=0.5):
                raise procs.fail_with_log(s, NAME, "Keycloak did not become ready in 240s")

    def _started_and_ready(self) -> bool:
        if procs.running_pid(self.settings, NAME) is None:
            raise procs.fail_with_log(self.settings, NAME, "Keycloak exited during start")
        return self.is_ready()

    def _stage_realm(self) -> None:
        """Put the realm where `--import-realm` reads it. Import skips a realm that exists, so
        when the realm file changed, the local database is reset to pick the new one up."""
        digest = hashlib.sha256(self.realm_file.read_bytes()).hexdigest()
        stamp = self.home / ".rtw-realm"
        if stamp.exists() and stamp.read_text() != digest:
            ui.say(NAME, "realm file changed: resetting Keycloak's local database")
            shutil.rmtree(self.home / "data" / "h2", ignore_errors=True)
        import_dir = self.home / "data" / "import"
        import_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.realm_file, import_dir / "realm-rtw.json")
        stamp.write_text(digest)

    def provision(self) -> None:
        """Nothing to provision: the realm is imported at start."""

    def stop(self) -> None:
        procs.terminate(self.settings, NAME, grace_seconds=30)

    def describe(self) -> str:
        s = self.settings
        return f"{s.keycloak_url} (admin console: admin / admin; realm {s.keycloak_realm})"


BUILD_STAMP = ".rtw-build"


def _is_built(home: Path) -> bool:
    stamp = home / BUILD_STAMP
    return (home / "bin" / "kc.sh").exists() and stamp.exists() and stamp.read_text() == " ".join(BUILD_OPTIONS)


def _unzip(archive: Path, target: Path) -> None:
    """Unpack keeping the executable bits (zipfile drops them)."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            extracted = Path(zf.extract(info, target))
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                extracted.chmod(mode & 0o777)
