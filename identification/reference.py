"""The roster types and re-check rules every deployment starts with (fixtures/).

Loading adds what is missing and never overwrites: a county's edits in the admin survive."""

import json
from pathlib import Path

from django.conf import settings

ROSTER_TYPES_FILE = Path(settings.BASE_DIR) / "fixtures" / "roster_types.json"
CHECK_RULES_FILE = Path(settings.BASE_DIR) / "fixtures" / "check_rules.json"


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


def load_check_rules(get_model) -> int:
    """The re-check's rules, added where missing. Returns how many were created."""
    rule_model = get_model("identification", "CheckRule")
    data = json.loads(CHECK_RULES_FILE.read_text("utf-8"))["check_rules"]
    created = 0
    for order, item in enumerate(data, start=1):
        defaults = {
            "name": item["name"],
            "source": item["source"],
            "params": item.get("params", {}),
            "sort_order": order,
        }
        created += rule_model.objects.get_or_create(code=item["code"], defaults=defaults)[1]
    return created
