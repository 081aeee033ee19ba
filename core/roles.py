"""The roles every deployment starts with, and what each may do (fixtures/roles.json).

Loading adds what is missing and never overwrites: an administrator's changes in the admin
survive a re-run, as the registry's reference lists do."""

import json
from pathlib import Path

from django.conf import settings

ROLES_FILE = Path(settings.BASE_DIR) / "fixtures" / "roles.json"


def load_roles(get_model) -> int:
    """get_model is apps.get_model, so this runs inside a migration as well as from a command.
    A role that already exists keeps its actions. Returns how many roles were created."""
    role_model = get_model("core", "Role")
    action_model = get_model("core", "RoleAction")
    created = 0
    for order, item in enumerate(json.loads(ROLES_FILE.read_text("utf-8"))["roles"], start=1):
        role, new = role_model.objects.get_or_create(
            code=item["code"],
            defaults={"name": item["name"], "level": item["level"], "sort_order": order},
        )
        if new:
            created += 1
            action_model.objects.bulk_create(
                [action_model(role=role, action=action) for action in item["actions"]]
            )
    return created
