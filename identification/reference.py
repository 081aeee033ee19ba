"""The roster types every deployment starts with (fixtures/roster_types.json).

Loading adds what is missing and never overwrites: a county's edits in the admin survive."""

import json
from pathlib import Path

from django.conf import settings

ROSTER_TYPES_FILE = Path(settings.BASE_DIR) / "fixtures" / "roster_types.json"


def load_roster_types(get_model) -> int:
    """get_model is apps.get_model, so this runs inside a migration as well as from a command.
    Returns how many types were created."""
    type_model = get_model("identification", "RosterType")
    attribute_model = get_model("registry", "HouseholdAttribute")
    data = json.loads(ROSTER_TYPES_FILE.read_text("utf-8"))["roster_types"]
    created = 0
    for order, item in enumerate(data, start=1):
        attribute = item.get("attribute")
        defaults = {
            "name": item["name"],
            "department": item.get("department", ""),
            "matching": item["matching"],
            "attribute": attribute_model.objects.filter(code=attribute).first()
            if attribute
            else None,
            "heads_only": item.get("heads_only", False),
            "sort_order": order,
        }
        created += type_model.objects.get_or_create(code=item["code"], defaults=defaults)[1]
    return created
