"""Events of the shipping app. Sent after commit; receivers get ids only and enqueue their own work.

shipment_delivered(sender="shipping", order_id=int, shipment_id=int): the carrier (or merchant
staff) reported the parcel delivered. Sent once per shipment, however often the event arrives.
"""

from django.dispatch import Signal

shipment_delivered = Signal()
