"""The commands' tests import tools/dev.py as a module; they need PostgreSQL (the server
the commands use) but no Odoo registry."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dev  # noqa: E402


@pytest.fixture
def server(monkeypatch):
    """The PG* variables naming the server the commands use: the one named by the
    environment, or else the embedded cluster (started when it is not running)."""
    embedded = not dev.external_pg()
    if not embedded:
        db = dev.external_db()
    else:
        db = dev.start_embedded_pg()
        db["password"] = "unused"  # trust authentication: present, so it can be unset
    values = dict(zip(dev.PG_VARIABLES, (db["host"], db["port"], db["user"], db["password"]),
                      strict=True))
    for name, value in values.items():
        if value:
            monkeypatch.setenv(name, str(value))
        else:
            monkeypatch.delenv(name, raising=False)
    return {**values, "embedded": embedded}


@pytest.fixture
def local(monkeypatch, tmp_path):
    """Point the commands' .local folder at a temporary one."""
    monkeypatch.setattr(dev, "LOCAL", tmp_path)
    return tmp_path


# pytest-odoo, when installed, loads a registry before every session; these tests need
# none (`make test` runs them with `-p no:odoo`; this covers a bare `pytest tools/tests`).
@pytest.fixture(scope="session")
def load_registry():
    yield


@pytest.fixture(scope="session")
def load_http():
    yield


@pytest.fixture(scope="module")
def enable_odoo_test_flag():
    yield
