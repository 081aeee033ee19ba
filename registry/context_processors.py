from .scope import can_register


def user_roles(request):
    """What the navigation needs: may this user register households?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_register": can_register(user)}
