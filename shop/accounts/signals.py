"""Events of the accounts app. Receivers get ids only and enqueue their own work.

user_signed_up(sender=User, user_id=int): a shopper created an account (sent after commit), e.g.
for a welcome e-mail from notifications.
"""

from django.dispatch import Signal

user_signed_up = Signal()
