"""Identification's import kinds: rosters from other departments (名单)."""

from . import rosters  # noqa: F401  (registers the kind)
