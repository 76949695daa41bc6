"""The project's tools/dev.py, imported as a module: the benchmark starts the same embedded
PostgreSQL, writes the same odoo.conf and installs through the same steps as `make test`."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOGS = BENCH / "logs"


def _load_dev():
    spec = importlib.util.spec_from_file_location("crm_vn_dev", ROOT / "tools" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


dev = _load_dev()
