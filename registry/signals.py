"""What the registry tells the apps above it. It imports none of them; they connect here from
their AppConfig.ready()."""

from django.dispatch import Signal

# Households entered as applicants (申请中) by their village, through the registration page,
# the API or a cadre's ledger import: the household has applied, and identification opens its
# application (农户申请). Sent inside the registering transaction with `households` (a list)
# and `actor`.
applicants_registered = Signal()
