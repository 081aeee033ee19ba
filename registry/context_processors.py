from .scope import EDITOR_ROLES, roles_of


def user_roles(request):
    """What the navigation needs: may this user register households?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_register": bool(roles_of(user) & EDITOR_ROLES)}
