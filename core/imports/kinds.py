"""The kinds of file the import pipeline knows, registered by the apps that own them."""

_KINDS: dict[str, type] = {}


def register(pipeline_class):
    """Class decorator for a Pipeline subclass: makes its kind importable by jobs and pages."""
    _KINDS[pipeline_class.kind] = pipeline_class
    return pipeline_class


def get(kind: str):
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"no import kind {kind!r}") from None


def all_kinds() -> dict[str, type]:
    return dict(_KINDS)
