"""The registry's import kinds: the household ledger (台账)."""

from . import households  # noqa: F401  (registers the kind)
