from identification.models import CheckJob

from ._check import CheckCommand


class Command(CheckCommand):
    help = (
        "Run the re-check's enabled rules over the registry and bring their findings up to "
        "date (as the nightly job does). Exit 0 when it ran, 1 when another run holds the "
        "lock or it failed."
    )
    kind = CheckJob.Kind.RECHECK
    option = "rule"
    option_key = "rules"
