from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import SESSION_KEY
from .services import cart_merge


@receiver(user_logged_in, dispatch_uid="cart_merge_on_login")
def cart_merge_on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    source_cart_id = session.pop(SESSION_KEY, None)
    if isinstance(source_cart_id, int):
        cart_merge(source_cart_id=source_cart_id, user_id=user.pk)
