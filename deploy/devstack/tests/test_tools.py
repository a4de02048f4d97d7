"""Pure logic of the stack tool: no servers needed."""

from __future__ import annotations

import base64

import pytest

from rtw_devstack import tools
from rtw_devstack.kafka import _cluster_id, _format_arguments
from rtw_shared.settings import KafkaPrincipal


@pytest.mark.parametrize(
    ("release", "major"),
    [
        ('JAVA_VERSION="25.0.3"', 25),
        ('JAVA_VERSION="17.0.15"', 17),
        ('JAVA_VERSION="1.8.0_402"', 8),
        ("nothing useful", 0),
    ],
)
def test_java_major_reads_the_release_file(tmp_path, release, major):
    (tmp_path / "release").write_text(release + "\n")
    assert tools.java_major(tmp_path) == major


def test_java_home_refuses_with_the_fix_when_no_jdk_qualifies(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(tools, "JVM_DIRS", (str(tmp_path),))
    with pytest.raises(tools.MissingPrerequisiteError, match=r"Java 99\+ is required.*install"):
        tools.java_home(99, env_var="RTW_TEST_JAVA_HOME")


def test_kafka_cluster_id_is_sixteen_bytes_of_url_safe_base64():
    cluster_id = _cluster_id()
    assert len(cluster_id) == 22
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16
    assert _cluster_id() != cluster_id


def test_a_cluster_id_starting_with_a_dash_stays_attached_to_its_flag(tmp_path):
    # One id in 64 starts with "-": as a separate argument the storage tool read it as an option and the
    # format failed ("--cluster-id/-t: expected one argument").
    arguments = _format_arguments("-AbCdEfGhIjKlMnOpQrStUv", tmp_path / "server.properties", KafkaPrincipal("a", "b"))
    assert "--cluster-id=-AbCdEfGhIjKlMnOpQrStUv" in arguments
    assert "-t" not in arguments and "-AbCdEfGhIjKlMnOpQrStUv" not in arguments
