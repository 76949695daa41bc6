#!/usr/bin/env python3
"""Developer commands behind the Makefile: demo, stop, test, status.

Only the standard library is imported at module level so that a machine without
Odoo or its requirements still gets one clear line instead of a traceback.
Everything this script writes lives in the project's ``.local/`` folder and in
the databases it creates.
"""

import argparse
import ast
import getpass
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
ADDON = "crm_vn_custom"
# The example addon of readme/DEVELOP.md: installed beside the addon in the test database
# and tested with it, so that the recipes it follows keep working.
EXAMPLES = "examples"
EXAMPLE = "crm_vn_custom_example"
DEMO_DB = "crm_vn_demo"
TEST_DB = "crm_vn_test"
BARE_DB = "crm_vn_test_bare"
UNINSTALL_DB = "crm_vn_test_uninstall"
OCA_DB = "crm_vn_test_oca"
# `make test-load`'s copy of the test database, served by Odoo with several workers.
LOAD_DB = "crm_vn_load"
# OCA partner-contact addons that define fields of the same names as ours (requirements.txt).
OCA_ADDONS = ("partner_contact_gender", "partner_contact_birthdate")
PG_PORT = int(os.environ.get("CRM_VN_PG_PORT", "55432"))
HTTP_PORT = int(os.environ.get("CRM_VN_HTTP_PORT", "8069"))
# The demo's message providers point at a stand-in for Zalo and the SMS gateway here.
STANDIN_PORT = 8070
ODOO_SERIES = (18, 0)
# libpq's variables naming a PostgreSQL server; any of the first three selects it.
PG_VARIABLES = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")
# Python modules the project imports, mapped to what requirements.txt installs.
REQUIRED_MODULES = (
    "psycopg2", "lxml", "pytest_odoo", "phonenumbers", "holidays", "lunar_vn",
    "ruff", "pylint_odoo", "oca_pre_commit_hooks", "polib", "websocket", "hypothesis",
    "odoo.addons.partner_contact_gender", "odoo.addons.partner_contact_birthdate",
)
# Debian packages installed when their binary is missing.
DEBIAN_TOOLS = {"postgresql": "/usr/lib/postgresql", "chromium": "/usr/bin/chromium"}
DEMO_LOGINS = (
    ("admin", "admin", "Quản trị hệ thống / administrator"),
    ("quanly", "quanly", "Quản lý CSKH / care manager"),
    ("truongnhom", "truongnhom", "Trưởng nhóm kinh doanh / sales team leader"),
    ("nhanvien", "nhanvien", "Nhân viên chăm sóc / care staff"),
    ("khachhang", "khachhang", "Khách hàng (cổng khách hàng, /my) / portal customer"),
)


class SetupError(Exception):
    """A problem with the environment, reported as one line."""


def say(msg):
    print(f"[{ADDON}] {msg}", flush=True)


# --------------------------------------------------------------------------- Odoo
def odoo_env():
    env = dict(os.environ, TZ="UTC", PYTHONUNBUFFERED="1")
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [odoo_path, env.get("PYTHONPATH")]))
    return env


def find_odoo():
    """Return the Odoo source root, checking that it is Odoo 18.0."""
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path and not (Path(odoo_path) / "odoo" / "release.py").is_file():
        raise SetupError(
            f"ODOO_PATH={odoo_path} is not an Odoo source tree (no odoo/release.py in it); "
            "point it at the folder that holds odoo-bin.")
    probe = ("import os, odoo.release as r; print(r.version_info[0], r.version_info[1], "
             "os.path.dirname(os.path.dirname(r.__file__)))")
    res = subprocess.run([sys.executable, "-c", probe], env=odoo_env(), cwd="/",
                         capture_output=True, text=True, check=False)
    if res.returncode:
        raise SetupError(
            "Odoo 18.0 was not found: `import odoo` fails for " + sys.executable +
            ". Install it (pip install -e /path/to/odoo) or set ODOO_PATH=/path/to/odoo "
            "(the folder that holds odoo-bin).")
    major, minor, root = res.stdout.split(maxsplit=2)
    if (int(major), int(minor)) != ODOO_SERIES:
        raise SetupError(f"Odoo {major}.{minor} found at {root.strip()}, "
                         "but this addon needs Odoo 18.0.")
    return Path(root.strip())


def odoo_cmd(*args, command=()):
    return [sys.executable, "-m", "odoo", *command, "-c", str(LOCAL / "odoo.conf"), *args]


def run_odoo(args, logfile, what):
    """Run a one-shot Odoo command; fail with the log's errors if it fails or logs errors."""
    logfile.unlink(missing_ok=True)
    res = subprocess.run(odoo_cmd(*args, "--stop-after-init", "--logfile", str(logfile)),
                         env=odoo_env(), cwd=ROOT, check=False, stderr=subprocess.PIPE,
                         text=True)
    check_odoo_run(res, logfile, what)


def check_odoo_run(res, logfile, what):
    """Raise SetupError when a finished Odoo command failed: one line when Odoo did not
    even start (no log: a bad option, a missing module, the 'postgres' user), otherwise
    the errors it logged (or wrote to stderr) followed by one line."""
    stderr = [line for line in (res.stderr or "").splitlines()
              if line.strip() and "is a security risk." not in line]
    if not logfile.exists() or not logfile.stat().st_size:
        if res.returncode:
            reason = stderr[-1].strip() if stderr else f"exit code {res.returncode}"
            raise SetupError(f"{what} failed: Odoo did not start ({reason})")
        return
    problems = log_problems(logfile)
    if res.returncode or problems:
        details = problems or stderr or logfile.read_text(errors="replace").splitlines()[-30:]
        print("\n".join(details), file=sys.stderr)
        raise SetupError(f"{what} failed; full log in {logfile}")


def log_problems(logfile):
    """Errors, and warnings about this addon, from an Odoo log."""
    if not logfile.exists():
        return []
    lines = logfile.read_text(errors="replace").splitlines()
    return [line for line in lines
            if re.search(r"\d (ERROR|CRITICAL) ", line)
            or (re.search(r"\d WARNING ", line) and ADDON in line)]


def write_odoo_conf(odoo_root, db):
    """Odoo's configuration for the commands. A connection parameter that is not set is
    written `False`, which Odoo leaves out of the connection: libpq's default applies
    (local socket, port 5432, the system user's name, no password or ~/.pgpass)."""
    addons = [p for p in (odoo_root / "addons", odoo_root / "odoo" / "addons") if p.is_dir()]
    addons.append(ROOT)
    if (ROOT / EXAMPLES).is_dir():
        addons.append(ROOT / EXAMPLES)
    lines = [
        "[options]",
        "addons_path = " + ",".join(str(p) for p in addons),
        f"data_dir = {LOCAL / 'data'}",
        *(f"db_{key} = {db[key] or False}" for key in ("host", "port", "user", "password")),
        f"http_port = {HTTP_PORT}",
        "max_cron_threads = 1",
        "",
    ]
    (LOCAL / "odoo.conf").write_text("\n".join(lines))


# ---------------------------------------------------------------------- PostgreSQL
def external_pg():
    return any(os.environ.get(k) for k in PG_VARIABLES[:3])


def external_db():
    """The server named by the PG* variables; an unset (or empty) one is None: libpq's
    default."""
    return {"host": os.environ.get("PGHOST") or None, "port": os.environ.get("PGPORT") or None,
            "user": os.environ.get("PGUSER") or None,
            "password": os.environ.get("PGPASSWORD") or None, "embedded": False}


def describe_server(db):
    """Where libpq connects with these parameters, for messages."""
    host = db["host"] or "the local socket"
    return f"{host}:{db['port'] or 5432} as {db['user'] or getpass.getuser()}"


def pg_bindir():
    versions = sorted((int(p.name), p) for p in Path("/usr/lib/postgresql").glob("*")
                      if p.name.isdigit() and (p / "bin" / "pg_ctl").exists())
    if not versions or versions[-1][0] < 13:
        raise SetupError("PostgreSQL >= 13 server binaries were not found in /usr/lib/postgresql; "
                         "install Debian's postgresql package or set PGHOST/PGPORT/PGUSER.")
    return versions[-1][1] / "bin"


def pg_home():
    """Where the embedded cluster lives: in .local, unless the cluster's user can't reach it."""
    home = LOCAL / "pg"
    if os.geteuid() != 0:
        return home
    probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(LOCAL)],
                           check=False)
    if probe.returncode == 0:
        return home
    # The checkout sits below a folder only root may enter (e.g. /root): PostgreSQL
    # refuses to run as root, so its data has to live where its own user can go.
    return Path("/tmp") / f"{ADDON}-pg-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]}"


def as_pg_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_embedded_pg():
    home, bindir = pg_home(), pg_bindir()
    data = home / "data"
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True,
                                            check=False).returncode:
        raise SetupError("the system user 'postgres' is missing: reinstall Debian's postgresql "
                         "package, or set PGHOST/PGPORT/PGUSER to use another server.")
    if not (data / "PG_VERSION").exists():
        say(f"creating the embedded PostgreSQL cluster in {home}")
        home.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
        subprocess.run(as_pg_user([str(bindir / "initdb"), "-D", str(data), "-U", "odoo",
                                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{home}'\n"
                       "synchronous_commit = off\nshared_buffers = 256MB\n"
                       "max_connections = 200\n")
    status = subprocess.run(as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "status"]),
                            check=False, capture_output=True)
    if status.returncode != 0:
        if port_open(PG_PORT):
            raise SetupError(f"port {PG_PORT} is already in use by another program; "
                             "set CRM_VN_PG_PORT to a free port.")
        say(f"starting the embedded PostgreSQL on port {PG_PORT}")
        res = subprocess.run(as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                                         "-l", str(home / "postgresql.log"),
                                         "-o", f"-p {PG_PORT}", "start"]),
                             check=False, capture_output=True, text=True)
        if res.returncode:
            raise SetupError("the embedded PostgreSQL did not start; "
                             f"see {home / 'postgresql.log'}")
    return {"host": "127.0.0.1", "port": PG_PORT, "user": "odoo", "password": None,
            "embedded": True}


def stop_embedded_pg():
    home = pg_home()
    data = home / "data"
    if not (data / "PG_VERSION").exists():
        return
    bindir = pg_bindir()
    status = subprocess.run(as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "status"]),
                            check=False, capture_output=True)
    if status.returncode == 0:
        subprocess.run(as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                   "stop"]), check=True, capture_output=True)
        say("embedded PostgreSQL stopped")


def database():
    """Connection parameters, starting the embedded cluster when no server is named;
    checks that Odoo can work with that server, or raises SetupError saying why not."""
    db = external_db() if external_pg() else start_embedded_pg()
    import psycopg2  # noqa: PLC0415 - only once the requirements are installed

    try:
        conn = psycopg2.connect(dbname="postgres", host=db["host"], port=db["port"],
                                user=db["user"], password=db["password"], connect_timeout=5)
    except psycopg2.Error as err:
        raise SetupError(f"cannot connect to PostgreSQL at {describe_server(db)} "
                         f"({first_line(err)}).") from None
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT current_user, rolsuper OR rolcreatedb FROM pg_roles "
                       "WHERE rolname = current_user")
            user, may_create = cr.fetchone()
    finally:
        conn.close()
    if user == "postgres":
        raise SetupError("Odoo refuses to connect as the PostgreSQL user 'postgres': set PGUSER "
                         "to another role (one that may create databases).")
    if not may_create:
        raise SetupError(f"the PostgreSQL role {user} may not create databases; "
                         f"grant it with ALTER ROLE {user} CREATEDB.")
    return db


def first_line(error):
    lines = [" ".join(line.split()) for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def run_sql(db, query, params=(), dbname="postgres"):
    import psycopg2  # noqa: PLC0415

    try:
        conn = psycopg2.connect(dbname=dbname, host=db["host"], port=db["port"],
                                user=db["user"], password=db["password"], connect_timeout=5)
    except psycopg2.Error as err:
        raise SetupError(f"cannot connect to PostgreSQL at {describe_server(db)} "
                         f"({first_line(err)}).") from None
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else None
    except psycopg2.Error as err:
        raise SetupError(f"PostgreSQL refused a query in {dbname} ({first_line(err)}).") from None
    finally:
        conn.close()


def database_exists(db, name):
    return bool(run_sql(db, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def drop_database(db, name):
    from psycopg2 import sql  # noqa: PLC0415

    run_sql(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,))
    run_sql(db, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    shutil.rmtree(LOCAL / "data" / "filestore" / name, ignore_errors=True)


# --------------------------------------------------------------------- installing
def ensure_requirements(need_browser=False):
    missing = [m for m in REQUIRED_MODULES if not _importable(m)]
    if missing:
        say("installing Python requirements (missing: " + ", ".join(missing) + ")")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r",
                        str(ROOT / "requirements.txt")], check=True)
    wanted = {"postgresql": not external_pg(), "chromium": need_browser}
    packages = [pkg for pkg, path in DEBIAN_TOOLS.items()
                if wanted[pkg] and not Path(path).exists()]
    if packages:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise SetupError("missing Debian packages: " + " ".join(packages) +
                             " (install them with apt-get, as root).")
        say("installing Debian packages: " + " ".join(packages))
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def _importable(module):
    return importlib.util.find_spec(module) is not None


def prepare(need_browser=False):
    odoo_root = find_odoo()
    LOCAL.mkdir(exist_ok=True)
    ensure_requirements(need_browser)
    db = database()
    write_odoo_conf(odoo_root, db)
    return db


def addon_fingerprint():
    digest = hashlib.sha1()
    for path in sorted([*(ROOT / ADDON).rglob("*"), *(ROOT / EXAMPLES).rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ----------------------------------------------------------------------- commands
def odoo_pid():
    pidfile = LOCAL / "odoo.pid"
    if not pidfile.exists():
        return None
    pid = int(pidfile.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        pidfile.unlink()
        return None
    return pid


def cmd_demo(_args):
    db = prepare()
    pid = odoo_pid()
    stamp = LOCAL / "demo.fingerprint"
    installed = database_exists(db, DEMO_DB) and run_sql(
        db, "SELECT state FROM ir_module_module WHERE name = %s", (ADDON,), dbname=DEMO_DB
    ) == [("installed",)]
    fingerprint = addon_fingerprint()
    if not installed:
        if pid:
            stop_odoo()
            pid = None
        drop_database(db, DEMO_DB)
        say(f"creating the demo database {DEMO_DB} (Vietnamese, with demo data; a few minutes)")
        run_odoo(["-d", DEMO_DB, "-i", ADDON, "--load-language=vi_VN"],
                 LOCAL / "demo-install.log", "installing the demo database")
        odoo_shell(DEMO_DB, DEMO_ADMIN_SETUP, LOCAL / "demo-admin.log", "setting up the admin")
        stamp.write_text(fingerprint)
    elif not stamp.exists() or stamp.read_text() != fingerprint:
        if pid:
            stop_odoo()
            pid = None
        say(f"the addon changed: upgrading it in {DEMO_DB}")
        run_odoo(["-d", DEMO_DB, "-u", ADDON], LOCAL / "demo-upgrade.log", "upgrading the demo")
        stamp.write_text(fingerprint)
    if not pid:
        if port_open(HTTP_PORT):
            raise SetupError(f"port {HTTP_PORT} is already in use by another program; "
                             "stop it or set CRM_VN_HTTP_PORT to a free port.")
        log = LOCAL / "odoo.log"
        log.unlink(missing_ok=True)
        with open(os.devnull, "wb") as devnull, open(LOCAL / "odoo.stderr", "wb") as stderr:
            proc = subprocess.Popen(
                odoo_cmd("-d", DEMO_DB, f"--db-filter=^{DEMO_DB}$", "--logfile", str(log)),
                env=odoo_env(), cwd=ROOT, stdout=devnull, stderr=stderr, start_new_session=True)
            (LOCAL / "odoo.pid").write_text(str(proc.pid))
            # The demo's Zalo OA and SMS gateway, stopped with Odoo (a process may not join
            # the process group of another session, so it has a session of its own).
            if not port_open(STANDIN_PORT):
                standin = ROOT / ADDON / "tools" / "message_standin.py"
                standin_proc = subprocess.Popen(
                    [sys.executable, str(standin), str(STANDIN_PORT)], cwd=ROOT,
                    stdout=devnull, stderr=stderr, start_new_session=True)
                (LOCAL / "standin.pid").write_text(str(standin_proc.pid))
        wait_for_http(proc, log)
    url = f"http://localhost:{HTTP_PORT}"
    say(f"Odoo is running on {url} (database {DEMO_DB}); log: {LOCAL / 'odoo.log'}")
    say(f"Zalo ZNS and the SMS gateway are played by a stand-in on 127.0.0.1:{STANDIN_PORT}")
    for login, password, role in DEMO_LOGINS:
        print(f"    {login:<12} / {password:<12} {role}")
    say("`make stop` stops Odoo and the embedded PostgreSQL.")


def wait_for_http(proc, log, port=HTTP_PORT):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            (LOCAL / "odoo.pid").unlink(missing_ok=True)
            stderr = (LOCAL / "odoo.stderr").read_text(errors="replace").splitlines()
            reasons = log_problems(log) or [line for line in stderr if line.strip()
                                            and "is a security risk." not in line]
            reason = f" ({reasons[-1].strip()})" if reasons else ""
            where = f"; see {log}" if log.exists() else ""
            raise SetupError(f"Odoo exited while starting{reason}{where}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    raise SetupError(f"Odoo did not answer on port {port} within 3 minutes; see {log}")


def stop_odoo():
    standin = LOCAL / "standin.pid"
    if standin.exists():
        try:
            os.killpg(int(standin.read_text().strip() or 0), signal.SIGTERM)
        except (ProcessLookupError, PermissionError, ValueError):
            pass
        standin.unlink()
    pid = odoo_pid()
    if not pid:
        return
    os.killpg(pid, signal.SIGTERM)
    for _ in range(30):
        if odoo_pid() is None:
            break
        time.sleep(0.5)
    else:
        os.killpg(pid, signal.SIGKILL)
    (LOCAL / "odoo.pid").unlink(missing_ok=True)
    say("Odoo stopped")


def cmd_stop(_args):
    stop_odoo()
    if not external_pg() and Path("/usr/lib/postgresql").exists():
        stop_embedded_pg()


def cmd_test(args):
    tree = git_state()
    db = prepare(need_browser=True)
    steps = [("lint", lambda: lint())]
    if not args.lint_only:
        steps += [
            ("tests of the commands (tools/tests)", run_tool_tests),
            ("install", lambda: install_test_db(db)),
            ("tests", lambda: run_pytest(args.pytest_args)),
            ("upgrade", upgrade_test_db),
            ("uninstall from a copy of the demo database", lambda: check_uninstall_demo(db)),
            ("install without demo data, then uninstall", lambda: check_uninstall(db)),
            ("beside OCA partner_contact_gender and partner_contact_birthdate",
             lambda: check_oca_coinstall(db)),
        ]
    steps.append(("working tree left as it was", lambda: check_git_state(tree)))
    for name, step in steps:
        say(f"== {name}")
        step()
    say("all checks passed")


def lint():
    paths = [path for path in (ADDON, EXAMPLES, "tools", "bench", "conftest.py")
             if (ROOT / path).exists()]
    subprocess.run([sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "pylint", "--rcfile", str(ROOT / ".pylintrc"), ADDON,
                    f"{EXAMPLES}/{EXAMPLE}"], cwd=ROOT, check=True, env=odoo_env())
    # res.groups.category_id is Odoo 18's own field: the check for it targets Odoo 19.
    subprocess.run(["oca-checks-odoo-module", "--no-verbose",
                    "--disable=xml-oe-structure-missing-id,xml-deprecated-res-groups-category-id",
                    str(ROOT / ADDON), str(ROOT / EXAMPLES / EXAMPLE)], cwd=ROOT, check=True,
                   env=odoo_env())


def install_test_db(db):
    drop_database(db, TEST_DB)
    run_odoo(["-d", TEST_DB, "-i", f"{ADDON},{EXAMPLE}", "--load-language=vi_VN"],
             LOCAL / "test-install.log", "installing the addon in a fresh database")
    (LOCAL / "test.fingerprint").write_text(addon_fingerprint())


def upgrade_test_db(logfile=None):
    run_odoo(["-d", TEST_DB, "-u", ADDON], logfile or LOCAL / "test-upgrade.log",
             "upgrading the addon")
    (LOCAL / "test.fingerprint").write_text(addon_fingerprint())


def git_state():
    """What `git status --porcelain` lists, with a digest of each listed file; None
    outside a git work tree."""
    if not shutil.which("git"):
        return None
    res = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if res.returncode:
        return None
    state = {}
    for line in res.stdout.splitlines():
        path = ROOT / line[3:].strip('"')
        state[line[3:]] = (line[:2], hashlib.sha1(path.read_bytes()).hexdigest()
                           if path.is_file() else None)
    return state


def check_git_state(before):
    """Fail, naming them, when files of the work tree changed since ``before``: a test
    run must not rewrite tracked files (the screenshots are `make screenshots`' job)."""
    after = git_state()
    if before is None or after is None:
        return
    changed = sorted(path for path in before.keys() | after.keys()
                     if before.get(path) != after.get(path))
    if changed:
        raise SetupError("the working tree changed during the run (git status): "
                         + ", ".join(changed))


def run_tool_tests():
    """The commands' own tests: plain pytest, no Odoo registry, a few seconds."""
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:odoo", "tools/tests"], env=odoo_env(), cwd=ROOT, check=False)
    if res.returncode:
        raise SetupError(f"the tests of the commands failed (pytest exit code {res.returncode})")


def run_pytest(extra, env=None):
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--odoo-database={TEST_DB}",
         f"--odoo-config={LOCAL / 'odoo.conf'}", "--odoo-http", "--odoo-log-level=warn",
         *(extra or [f"{ADDON}/tests", f"{EXAMPLES}/{EXAMPLE}/tests"])],
        env=dict(odoo_env(), **(env or {})), cwd=ROOT, check=False)
    if res.returncode == 5:
        raise SetupError("pytest collected no tests")
    if res.returncode:
        raise SetupError(f"the test suite failed (pytest exit code {res.returncode})")


def copy_database(db, source, target):
    from psycopg2 import sql  # noqa: PLC0415

    drop_database(db, target)
    run_sql(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (source,))
    run_sql(db, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(target), sql.Identifier(source)))
    filestore = LOCAL / "data" / "filestore"
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / target)


SCREENSHOT_FILES = f"{ADDON}/static/description/screenshot_*.png"


ACCESS_MARKERS = ("<!-- access-matrix:start -->", "<!-- access-matrix:end -->")


def cmd_access_table(_args):
    """Write the access matrix that the test suite checks into the addon's CONFIGURE.md."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location(
        "access_matrix", ROOT / ADDON / "tests" / "access_matrix.py")
    matrix = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(matrix)
    readme = ROOT / ADDON / "readme" / "CONFIGURE.md"
    text = readme.read_text()
    start, end = (text.index(marker) for marker in ACCESS_MARKERS)
    readme.write_text(text[:start + len(ACCESS_MARKERS[0])] + "\n" + matrix.render_markdown()
                      + text[end:])
    say(f"{readme.relative_to(ROOT)}: access matrix written")


def ensure_test_db(db):
    """The test database, installed when missing, upgraded when the addon changed since."""
    installed = database_exists(db, TEST_DB) and run_sql(
        db, "SELECT state FROM ir_module_module WHERE name = %s", (ADDON,), dbname=TEST_DB
    ) == [("installed",)]
    stamp = LOCAL / "test.fingerprint"
    if not installed:
        say(f"creating the test database {TEST_DB} (with the demo data; a few minutes)")
        install_test_db(db)
    elif not stamp.exists() or stamp.read_text() != addon_fingerprint():
        say(f"the addon changed: upgrading it in {TEST_DB}")
        upgrade_test_db()


# The property-based test of the points ledger, with many more examples than `make test`.
LOAD_TESTS = {"CRM_VN_PROPERTY_EXAMPLES": "300", "CRM_VN_PROPERTY_STEPS": "20"}


def cmd_test_load(_args):
    """The long run of the property-based tests on the test database, then Odoo with
    several workers under concurrent clients and its crons (not part of CI)."""
    db = prepare()
    ensure_test_db(db)
    say("== the points ledger's property-based tests, at length")
    run_pytest([f"{ADDON}/tests/test_points_reconciliation.py::TestReconciliationProperties"],
               env=LOAD_TESTS)
    say("== Odoo with two workers and two cron workers, clients at once")
    run_several_workers(db)
    say("== a streaming read replica: the manager's screens read from it")
    run_replica_check(db)


# Sao Việt keeps no books in the demo: invoices and credit notes need a chart of accounts.
# Odoo's own crons are not what is tested, and some call Odoo's services on the internet
# (lead enrichment): only the addon's run.
LOAD_SETUP = """
ours = env["ir.model.data"].search([("module", "=", "crm_vn_custom"), ("model", "=", "ir.cron")])
env["ir.cron"].search([("id", "not in", ours.mapped("res_id"))]).active = False
company = env.ref("crm_vn_custom.company_sao_viet")
if not company.chart_template:
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
env.ref("base.user_admin").write({"company_ids": [(4, company.id)], "company_id": company.id})
env.cr.commit()
"""


def load_test_module():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "tools" / "load_test.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    return load


def start_load_odoo(dbname, port, log, *options):
    """Odoo serving ``dbname`` alone as in production (prefork workers), in a process
    group of its own; waits until it answers."""
    if port_open(port) or port_open(port + 1):
        raise SetupError(f"ports {port} and {port + 1} must be free for the load test")
    log.unlink(missing_ok=True)
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(
            odoo_cmd("-d", dbname, f"--db-filter=^{dbname}$", "--workers=2",
                     f"--http-port={port}", f"--gevent-port={port + 1}", "--logfile", str(log),
                     *options),
            env=odoo_env(), cwd=ROOT, stdout=devnull, stderr=devnull, start_new_session=True)
    try:
        wait_for_http(proc, log, port)
    except SetupError:
        stop_load_odoo(proc)
        raise
    return proc


def stop_load_odoo(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)


def run_replica_check(db):
    """A streaming replica of the embedded cluster (pg_basebackup -R) on the next port,
    Odoo started with --db_replica_host/--db_replica_port, the manager's dashboard and
    reports opened over JSON-RPC: the replica's own statistics must count their
    transactions."""
    if not db["embedded"]:
        say("the replica check needs the embedded PostgreSQL: skipped")
        return
    import psycopg2  # noqa: PLC0415

    home, bindir, port = pg_home(), pg_bindir(), PG_PORT + 1
    replica = home / "replica"
    if port_open(port):
        raise SetupError(f"port {port} must be free for the replica")
    shutil.rmtree(replica, ignore_errors=True)
    subprocess.run(as_pg_user([str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                               str(PG_PORT), "-U", "odoo", "-D", str(replica), "-R", "-X",
                               "stream", "-c", "fast"]), check=True, capture_output=True)
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(replica), "-w"]
    subprocess.run(as_pg_user([*pg_ctl, "-l", str(home / "replica.log"), "-o", f"-p {port}",
                               "start"]), check=True, capture_output=True)

    def replica_transactions():
        # An idle backend publishes its counters after 10 s (PGSTAT_IDLE_INTERVAL).
        time.sleep(11)
        with psycopg2.connect(host="127.0.0.1", port=port, user="odoo",
                              dbname="postgres") as conn, conn.cursor() as cr:
            cr.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                       "WHERE datname = %s", [TEST_DB])
            return cr.fetchone()[0]

    load = load_test_module()
    http_port = HTTP_PORT + 100
    log = LOCAL / "replica-odoo.log"
    try:
        proc = start_load_odoo(TEST_DB, http_port, log,
                               "--max-cron-threads=0", "--db_replica_host=127.0.0.1",
                               f"--db_replica_port={port}")
        try:
            before = replica_transactions()
            calls = load.read_only_calls(f"http://127.0.0.1:{http_port}", TEST_DB)
            after = replica_transactions()
        finally:
            stop_load_odoo(proc)
    finally:
        subprocess.run(as_pg_user([*pg_ctl, "-m", "fast", "stop"]), check=False,
                       capture_output=True)
        shutil.rmtree(replica, ignore_errors=True)
    problems = load.log_problems(log.read_text(errors="replace"))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SetupError(f"Odoo logged problems while reading from the replica; see {log}")
    if after - before < calls:
        raise SetupError(f"{calls} read-only calls, but only {after - before} transactions "
                         "on the replica")
    say(f"replica: {calls} dashboard and report calls as the care manager, "
        f"{after - before} transactions on the replica")


def run_several_workers(db):
    """tools/load_test.py against a copy of the test database served as in production,
    then tools/check_load.py on what it left."""
    load = load_test_module()
    port = HTTP_PORT + 100
    copy_database(db, TEST_DB, LOAD_DB)
    odoo_shell(LOAD_DB, LOAD_SETUP, LOCAL / "load-setup.log", "preparing the load database")
    log = LOCAL / "load-odoo.log"
    proc = start_load_odoo(LOAD_DB, port, log, "--max-cron-threads=2")
    try:
        url = f"http://127.0.0.1:{port}"
        errors = load.run(url, LOAD_DB, load.prepare(url, LOAD_DB), say)
    finally:
        stop_load_odoo(proc)
    errors += load.log_problems(log.read_text(errors="replace"))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        raise SetupError(f"the run with several workers failed; Odoo's log: {log}")
    odoo_shell(LOAD_DB, (ROOT / "tools" / "check_load.py").read_text(),
               LOCAL / "load-check.log", "checking what the clients and crons left")
    drop_database(db, LOAD_DB)
    say("several workers: every balance is its history, every care step fired once, every "
        "tier is what a recompute gives, nothing in the log but retried serialization "
        "failures")


def cmd_screenshots(_args):
    """Retake the README's screenshots on the test database (installed when missing,
    upgraded when the addon changed since): the one command that writes tracked files."""
    db = prepare(need_browser=True)
    ensure_test_db(db)
    run_pytest([f"{ADDON}/tests/test_tours.py::TestScreenshots"],
               env={"CRM_VN_SCREENSHOTS": "1"})
    changed = subprocess.run(["git", "status", "--porcelain", "--", SCREENSHOT_FILES],
                             cwd=ROOT, capture_output=True, text=True, check=False).stdout
    say("screenshots retaken: " + (", ".join(line[3:] for line in changed.splitlines())
                                   or "no picture changed") + ".")


def check_uninstall_demo(db):
    # The test database has the demo data (kept for running single tests: a copy goes).
    copy_database(db, TEST_DB, UNINSTALL_DB)
    odoo_shell(UNINSTALL_DB, (ROOT / "tools" / "check_uninstall.py").read_text(),
               LOCAL / "test-uninstall-demo.log", "uninstalling the addon from the demo data")
    drop_database(db, UNINSTALL_DB)


def check_uninstall(db):
    # A company's own database has no demo data.
    drop_database(db, BARE_DB)
    run_odoo(["-d", BARE_DB, "-i", ADDON, "--without-demo=all"], LOCAL / "test-bare-install.log",
             "installing the addon without demo data")
    odoo_shell(BARE_DB, (ROOT / "tools" / "check_uninstall.py").read_text(),
               LOCAL / "test-uninstall.log", "uninstalling the addon")


def check_oca_coinstall(db):
    """A client's database that runs OCA's partner-contact addons (installed first, without
    demo data) gets the addon; OCA's own tests then run again beside it, and
    tools/check_oca_coinstall.py checks our side."""
    drop_database(db, OCA_DB)
    oca = ",".join(OCA_ADDONS)
    run_odoo(["-d", OCA_DB, "-i", oca, "--without-demo=all"], LOCAL / "test-oca-install.log",
             "installing OCA partner-contact addons")
    run_odoo(["-d", OCA_DB, "-i", ADDON], LOCAL / "test-oca-addon.log",
             "installing the addon beside OCA partner-contact addons")
    run_odoo(["-d", OCA_DB, "-u", oca, "--test-enable",
              "--test-tags", ",".join(f"/{name}" for name in OCA_ADDONS)],
             LOCAL / "test-oca-tests.log", "OCA's tests beside the addon")
    odoo_shell(OCA_DB, (ROOT / "tools" / "check_oca_coinstall.py").read_text(),
               LOCAL / "test-oca-check.log", "checking the addon beside OCA partner-contact")
    drop_database(db, OCA_DB)


def cmd_pot(_args):
    """Export the addon's terms to its .pot and merge them into vi.po."""
    db = prepare()
    installed = database_exists(db, TEST_DB) and run_sql(
        db, "SELECT state FROM ir_module_module WHERE name = %s", (ADDON,), dbname=TEST_DB
    ) == [("installed",)]
    if installed:
        upgrade_test_db(LOCAL / "pot-upgrade.log")
    else:
        install_test_db(db)
    i18n = ROOT / ADDON / "i18n"
    pot = i18n / f"{ADDON}.pot"
    run_odoo(["-d", TEST_DB, f"--i18n-export={pot}", f"--modules={ADDON}"],
             LOCAL / "pot-export.log", "exporting the terms")
    import polib  # noqa: PLC0415

    vi_po = polib.pofile(str(i18n / "vi.po")) if (i18n / "vi.po").exists() else polib.POFile()
    vi_po.merge(polib.pofile(str(pot)))
    vi_po.metadata.update({"Language": "vi", "Content-Type": "text/plain; charset=UTF-8",
                           "Plural-Forms": "nplurals=1; plural=0;"})
    for entry in vi_po.obsolete_entries():
        vi_po.remove(entry)
    vi_po.save(str(i18n / "vi.po"))
    untranslated = vi_po.untranslated_entries() + vi_po.fuzzy_entries()
    say(f"{pot.name} exported; vi.po has {len(untranslated)} term(s) left to translate")


CORE_APPS = ("crm", "loyalty", "sale_loyalty", "sale_management", "contacts")


def cmd_core_tests(_args):
    """Odoo's own tests of the apps the addon extends, on bare Odoo and with the addon:
    fails when a test fails only with the addon installed."""
    db = prepare()
    failures = {}
    # The bare database gets everything the addon depends on, so that only the addon differs.
    manifest = ast.literal_eval((ROOT / ADDON / "__manifest__.py").read_text())
    bare = ",".join(sorted(set(CORE_APPS) | set(manifest["depends"])))
    for label, modules in (("bare", bare), ("addon", ADDON)):
        name = f"crm_vn_core_{label}"
        drop_database(db, name)
        log = LOCAL / f"core-tests-{label}.log"
        log.unlink(missing_ok=True)
        say(f"Odoo's own tests of {', '.join(CORE_APPS)} ({label}; log in {log})")
        subprocess.run(odoo_cmd("-d", name, "-i", modules, "--stop-after-init", "--logfile",
                                str(log), "--test-tags", ",".join("/" + app for app in CORE_APPS)),
                       env=odoo_env(), cwd=ROOT, check=False)
        failed = re.findall(r" (?:FAIL|ERROR): (?:Subtest )?(\S+)", log.read_text(errors="replace"))
        failures[label] = set(failed)
        say(f"{label}: {len(failures[label])} failing test(s)")
    new = sorted(failures["addon"] - failures["bare"])
    if new:
        print("\n".join(new), file=sys.stderr)
        raise SetupError(f"{len(new)} of Odoo's own tests fail only with {ADDON} installed")
    say(f"no test of Odoo's own apps fails because of {ADDON}")


# The demo's administrator works in the Vietnamese company, in Vietnamese.
DEMO_ADMIN_SETUP = """
company = env.ref("crm_vn_custom.company_sao_viet")
south = env.ref("crm_vn_custom.company_sao_viet_south")
env.ref("base.user_admin").write({
    "company_ids": [(4, company.id), (4, south.id)], "company_id": company.id,
    "lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
env.cr.commit()
"""


def odoo_shell(dbname, code, log, what):
    log.unlink(missing_ok=True)
    res = subprocess.run(odoo_cmd("-d", dbname, "--no-http", "--logfile", str(log),
                                  command=["shell"]),
                         input=code, text=True, stderr=subprocess.PIPE, env=odoo_env(),
                         cwd=ROOT, check=False)
    check_odoo_run(res, log, what)


def cmd_status(_args):
    find_odoo()
    pid = odoo_pid()
    say(f"Odoo: {'running, pid %s' % pid if pid else 'not running'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo").set_defaults(func=cmd_demo)
    sub.add_parser("stop").set_defaults(func=cmd_stop)
    sub.add_parser("status").set_defaults(func=cmd_status)
    sub.add_parser("pot").set_defaults(func=cmd_pot)
    sub.add_parser("screenshots").set_defaults(func=cmd_screenshots)
    sub.add_parser("access-table").set_defaults(func=cmd_access_table)
    sub.add_parser("core-tests").set_defaults(func=cmd_core_tests)
    sub.add_parser("test-load").set_defaults(func=cmd_test_load)
    test = sub.add_parser("test")
    test.add_argument("--lint-only", action="store_true")
    test.add_argument("pytest_args", nargs="*", help="what to pass to pytest (default: all tests)")
    test.set_defaults(func=cmd_test)
    args = parser.parse_args()
    try:
        args.func(args)
    except SetupError as err:
        fail(err)
    except subprocess.CalledProcessError as err:
        fail(f"`{' '.join(map(str, err.cmd))}` failed (exit code {err.returncode})")
    except OSError as err:  # a missing program, a folder we may not write to...
        fail(err)
    except KeyboardInterrupt:
        fail("interrupted")


def fail(message):
    """Everything that goes wrong ends as one line, never a traceback."""
    print(f"[{ADDON}] error: {message}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
