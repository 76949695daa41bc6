"""What an installation meets: the commands with each PG* variable unset in turn, and
every bad environment reported in one line, never a traceback."""

import configparser
import getpass
import json
import os
import socket
import subprocess
import sys

import dev  # tools/dev.py, put on the path by conftest.py
import pytest

PG_VARIABLES = dev.PG_VARIABLES
KEYS = dict(zip(PG_VARIABLES, ("host", "port", "user", "password"), strict=True))

# Odoo reads each configuration file and says what it would give libpq.
ODOO_CONNECTION_INFO = """
import json, sys
from odoo.tools import config
from odoo.sql_db import connection_info_for
for path in sys.argv[1:]:
    config.parse_config(["-c", path])
    print(json.dumps(connection_info_for("postgres")[1]))
"""
ODOO_CONNECTS = """
import sys
from odoo.tools import config
from odoo.sql_db import db_connect
config.parse_config(["-c", sys.argv[1]])
with db_connect("postgres").cursor() as cr:
    cr.execute("SELECT current_user")
    print(cr.fetchone()[0])
"""


def run_python(code, *args, env=None):
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env or dev.odoo_env(),
                          cwd="/", capture_output=True, text=True, check=False)


def one_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_conf_leaves_unset_variables_to_libpq(server, local, monkeypatch):
    """With each variable unset in turn, odoo.conf says `False` (never an empty value,
    which Odoo refuses for db_port), and Odoo leaves that parameter to libpq."""
    paths = []
    for unset in PG_VARIABLES:
        with monkeypatch.context() as env:
            env.delenv(unset, raising=False)
            db = dev.external_db()
        assert db[KEYS[unset]] is None
        dev.write_odoo_conf(local, db)
        conf = configparser.RawConfigParser()
        conf.read(local / "odoo.conf")
        options = dict(conf.items("options"))
        assert all(value.strip() for value in options.values()), "no empty value in odoo.conf"
        assert options[f"db_{KEYS[unset]}"] == "False"
        paths.append(local / f"odoo-without-{unset}.conf")
        (local / "odoo.conf").rename(paths[-1])
    res = run_python(ODOO_CONNECTION_INFO, *paths)
    assert res.returncode == 0, res.stderr
    for unset, line in zip(PG_VARIABLES, res.stdout.splitlines()[-4:], strict=True):
        info = json.loads(line)
        assert KEYS[unset] not in info, f"without {unset}, libpq's default applies"
        for name, key in KEYS.items():
            if name != unset and server[name]:
                assert str(info[key]) == str(server[name])


@pytest.mark.parametrize("unset", PG_VARIABLES)
def test_database_with_each_variable_unset(server, monkeypatch, unset):
    """Either the server is reached with libpq's default for the unset variable, or the
    reason is given in one line."""
    monkeypatch.delenv(unset, raising=False)
    try:
        db = dev.database()
    except dev.SetupError as err:
        message = one_line(str(err))
        assert message.startswith("cannot connect to PostgreSQL at "), message
        if server["embedded"] and unset == "PGUSER" and getpass.getuser() != "odoo":
            assert f"as {getpass.getuser()}" in message
            assert f'role "{getpass.getuser()}" does not exist' in message
        if server["embedded"] and unset == "PGHOST":
            assert "the local socket" in message
        assert unset != "PGPASSWORD" or not server["embedded"], "trust needs no password"
    else:
        assert db[KEYS[unset]] is None
        assert not db["embedded"]


def test_odoo_connects_without_pgpassword(server, local, monkeypatch):
    """Odoo takes `db_password = False` as no password and connects through libpq."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    dev.write_odoo_conf(local, dev.database())
    env = {key: value for key, value in dev.odoo_env().items() if key not in PG_VARIABLES}
    res = run_python(ODOO_CONNECTS, local / "odoo.conf", env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[-1] == (server["PGUSER"] or getpass.getuser())


@pytest.mark.parametrize("runner", ["run_odoo", "odoo_shell"])
def test_odoo_not_starting_is_reported_in_one_line(local, runner):
    """The bug of issue 18: `db_port =` made Odoo exit before writing its log, and the
    command then crashed looking for the log."""
    (local / "odoo.conf").write_text("[options]\ndb_port = \n")
    log = local / "odoo-test.log"
    with pytest.raises(dev.SetupError) as caught:
        if runner == "run_odoo":
            dev.run_odoo(["-d", "crm_vn_nowhere"], log, "installing the addon")
        else:
            dev.odoo_shell("crm_vn_nowhere", "print(1)", log, "uninstalling the addon")
    message = one_line(str(caught.value))
    assert "Odoo did not start" in message
    assert "invalid integer value" in message


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("command", "where"), [
    ("test", "socket folder"), ("test", "closed port"), ("demo", "closed port")])
def test_command_with_unreachable_server_prints_one_line(command, where):
    env = {key: value for key, value in os.environ.items() if key not in PG_VARIABLES}
    if where == "socket folder":
        env.update(PGHOST="/nonexistent/crm_vn_custom", PGUSER="odoo")
    else:
        env.update(PGHOST="127.0.0.1", PGPORT=str(closed_port()), PGUSER="odoo")
    res = subprocess.run([sys.executable, str(dev.ROOT / "tools" / "dev.py"), command],
                         env=env, cwd=dev.ROOT, capture_output=True, text=True, check=False,
                         timeout=120)
    assert res.returncode == 1
    assert "Traceback" not in res.stdout
    message = one_line(res.stderr)
    assert message.startswith("[crm_vn_custom] error: cannot connect to PostgreSQL at "), message


def test_a_run_that_changes_the_work_tree_fails_naming_the_files(monkeypatch, tmp_path):
    """`make test` ends by checking it left `git status` as it found it: changes made
    before the run (work in progress) are not blamed on it."""
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                       cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / ".gitignore").write_text("/.local/\n")
    (tmp_path / "shot.png").write_bytes(b"old")
    (tmp_path / "edited.py").write_text("x = 1\n")
    git("add", ".")
    git("commit", "-qm", "start")
    (tmp_path / "edited.py").write_text("x = 2\n")  # the developer's work in progress
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    before = dev.git_state()
    (tmp_path / ".local").mkdir()
    (tmp_path / ".local" / "odoo.log").write_text("ignored")
    dev.check_git_state(before)
    (tmp_path / "shot.png").write_bytes(b"new")
    (tmp_path / "new.txt").write_text("left behind")
    with pytest.raises(dev.SetupError) as caught:
        dev.check_git_state(before)
    message = one_line(str(caught.value))
    assert message.endswith(": new.txt, shot.png"), message


def test_outside_a_git_work_tree_nothing_is_checked(monkeypatch, tmp_path):
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert dev.git_state() is None
    dev.check_git_state(None)
