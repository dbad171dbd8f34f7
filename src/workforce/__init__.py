"""SEND Workforce: record and check the SEND skills of England's school workforce."""

import os

# Piccolo finds its engine through this module; set it before any table is touched.
os.environ.setdefault("PICCOLO_CONF", "workforce.piccolo_conf")

__version__ = "0.1.0"
