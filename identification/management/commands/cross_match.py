from identification.models import CheckJob

from ._check import CheckCommand


class Command(CheckCommand):
    help = (
        "Match the latest roster of each type and area against the registry and bring the "
        "findings up to date (as the background job does). Exit 0 when it ran, 1 when another "
        "run holds the lock or it failed."
    )
    kind = CheckJob.Kind.CROSS_MATCH
    option = "type"
    option_key = "types"
