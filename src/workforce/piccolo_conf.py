"""Piccolo's configuration module (PICCOLO_CONF=workforce.piccolo_conf)."""

from piccolo.conf.apps import AppRegistry

from workforce.config import get_settings
from workforce.db import make_engine

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["workforce.piccolo_app"])
