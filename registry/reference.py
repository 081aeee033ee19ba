"""Default reference lists (causes, household attributes, poverty lines) from fixtures/.

Loading adds what is missing and never overwrites: a county's edits in the admin survive.
"""

import json
from pathlib import Path

from django.conf import settings

REFERENCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "reference.json"


def load_reference_data(get_model) -> dict[str, int]:
    """get_model is apps.get_model, so this runs inside a migration as well as from a command."""
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    created = {}
    for key, model_name in (
        ("poverty_causes", "PovertyCause"),
        ("household_attributes", "HouseholdAttribute"),
    ):
        model = get_model("registry", model_name)
        count = 0
        for order, item in enumerate(data[key], start=1):
            defaults = {
                "name": item["name"],
                "sort_order": order,
                "active": item.get("active", True),
            }
            count += model.objects.get_or_create(code=item["code"], defaults=defaults)[1]
        created[key] = count
    line_model = get_model("registry", "PovertyLine")
    count = 0
    for item in data["poverty_lines"]:
        defaults = {k: v for k, v in item.items() if k != "year"}
        count += line_model.objects.get_or_create(year=item["year"], defaults=defaults)[1]
    created["poverty_lines"] = count
    return created
