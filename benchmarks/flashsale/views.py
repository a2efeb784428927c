"""BENCHMARK BASELINE, never routed in production: the naive way to sell a flash sale.

Every buy request takes the variant's stock row lock (SELECT ... FOR UPDATE) in PostgreSQL, checks
the buyer's limit by counting their orders, takes the unit and writes the order, all in one
transaction per request: every buyer of the sale queues on one row lock. The benchmark compares it
with the shop's buy path (one Redis Lua call, orders written later in batches). The buyer is
identified the same way (the signed X-Flash-Token), so only the stock handling differs.
"""

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.flashsale.models import FlashSale
from apps.flashsale.tokens import HEADER, buyer_token_verify
from apps.inventory.models import StockItem
from apps.orders.models import Order
from apps.orders.services import order_create_for_reservations
from apps.orders.types import ReservationOrderRequest


@csrf_exempt
@require_POST
def naive_checkout(request: HttpRequest, sale_id: int) -> JsonResponse:
    user_id = buyer_token_verify(request.headers.get(HEADER))
    if user_id is None:
        return JsonResponse({"error": "not_logged_in"}, status=401)
    sale = FlashSale.objects.filter(pk=sale_id).values("variant_id", "merchant_id", "sale_price").first()
    if sale is None:
        return JsonResponse({"error": "unknown_sale"}, status=404)
    prefix = f"naive-{sale_id}-"
    with transaction.atomic():
        item = StockItem.objects.select_for_update().get(variant_id=sale["variant_id"])
        if item.available < 1:
            return JsonResponse({"error": "sold_out"}, status=409)
        if Order.objects.filter(user_id=user_id, reservation_id__startswith=prefix).exists():
            return JsonResponse({"error": "over_limit"}, status=409)
        StockItem.objects.filter(pk=item.pk).update(available=F("available") - 1, reserved=F("reserved") + 1)
        [order] = order_create_for_reservations(
            items=[
                ReservationOrderRequest(
                    reservation_id=f"{prefix}{user_id}",
                    user_id=user_id,
                    merchant_id=sale["merchant_id"],
                    variant_id=sale["variant_id"],
                    product_id=0,
                    name="naive checkout",
                    sku="",
                    unit_price=sale["sale_price"],
                    currency="USD",
                    quantity=1,
                    weight_grams=0,
                    expires_at=timezone.now(),
                )
            ]
        )
    return JsonResponse({"order_number": order.number}, status=201)
