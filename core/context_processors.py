from . import scope
from .choices import Action


def user_actions(request):
    """What the navigation needs: which actions the user may do somewhere."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actions = scope.actions_of(user)
    return {
        "user_actions": actions,
        "user_can_register": Action.EDIT in actions,
        "user_can_import": Action.IMPORT in actions,
        "user_can_export": Action.EXPORT in actions,
    }
