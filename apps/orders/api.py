"""JSON API for the buying path (session auth, logged-in shoppers only): cart, checkout, orders.

Every refusal is a 4xx with {"detail": <message>}; prices and totals are computed by the server
(an `expected_total` sent by the client is only compared, never used)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.cart.selectors import cart_id_for_user
from apps.cart.services import (
    CartError,
    CartLineNotFound,
    cart_line_add_for_shopper,
    cart_line_remove,
    cart_line_set_quantity,
    cart_refresh,
)
from apps.payments.services import PaymentError

from .selectors import order_get_for_user, order_list_for_user
from .services import CheckoutError, OutOfStock, checkout_place

ERROR = inline_serializer("Error", {"detail": serializers.CharField()})


class CartLineOut(serializers.Serializer):
    line_id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    merchant_id = serializers.IntegerField()
    merchant_name = serializers.CharField()
    product_name = serializers.CharField()
    variant_name = serializers.CharField()
    sku = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    quantity = serializers.IntegerField()
    max_per_order = serializers.IntegerField()
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2)


class CartOut(serializers.Serializer):
    lines = CartLineOut(many=True)
    notices = serializers.ListField(child=serializers.CharField())
    subtotal = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    count = serializers.IntegerField()


class CartLineIn(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, default=1)


class QuantityIn(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)


class CheckoutIn(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)
    shipping_method_ids = serializers.DictField(
        child=serializers.IntegerField(min_value=1), required=False, default=dict
    )
    expected_total = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    provider = serializers.ChoiceField(choices=["sandbox", "stripe"], default="sandbox")

    def validate_shipping_method_ids(self, value):
        if not all(str(key).isdigit() for key in value):
            raise serializers.ValidationError(_("Keys must be merchant ids."))
        return {int(key): method_id for key, method_id in value.items()}


class CheckoutOut(serializers.Serializer):
    checkout_id = serializers.IntegerField()
    order_numbers = serializers.ListField(child=serializers.CharField())
    payment_id = serializers.IntegerField()
    redirect_url = serializers.CharField()
    total = serializers.CharField()
    currency = serializers.CharField()


class OrderSummaryOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    merchant_name = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    item_count = serializers.IntegerField()


class OrderLineOut(serializers.Serializer):
    variant_id = serializers.IntegerField()
    name = serializers.CharField()
    sku = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2)


class OrderEventOut(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrderDetailOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    merchant_name = serializers.CharField()
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    shipping_method_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    lines = OrderLineOut(many=True)
    events = OrderEventOut(many=True)


def _error(message: str, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": message}, status=code)


def _invalid(serializer) -> Response:
    messages = [f"{field}: {error}" for field, errors in serializer.errors.items() for error in errors]
    return _error(" ".join(messages))


def _cart(request) -> Response:
    cart = cart_refresh(cart_id=cart_id_for_user(user_id=request.user.pk))
    return CartOut(cart).data


class CartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CartOut, summary="The shopper's cart, repriced, with a notice per change")
    def get(self, request):
        return Response(_cart(request))


class CartLinesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CartLineIn, responses={201: CartOut, 400: ERROR}, summary="Add a variant to the cart"
    )
    def post(self, request):
        data = CartLineIn(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            cart_line_add_for_shopper(
                user_id=request.user.pk,
                cart_id=cart_id_for_user(user_id=request.user.pk),
                **data.validated_data,
            )
        except CartError as exc:
            return _error(str(exc))
        return Response(_cart(request), status=status.HTTP_201_CREATED)


class CartLineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=QuantityIn,
        responses={200: CartOut, 400: ERROR, 404: ERROR},
        summary="Change a line's quantity",
    )
    def patch(self, request, line_id: int):
        data = QuantityIn(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            cart_line_set_quantity(
                cart_id=cart_id_for_user(user_id=request.user.pk),
                line_id=line_id,
                quantity=data.validated_data["quantity"],
            )
        except CartLineNotFound as exc:
            return _error(str(exc), status.HTTP_404_NOT_FOUND)
        except CartError as exc:
            return _error(str(exc))
        return Response(_cart(request))

    @extend_schema(responses={204: None, 404: ERROR}, summary="Remove a line")
    def delete(self, request, line_id: int):
        try:
            cart_line_remove(cart_id=cart_id_for_user(user_id=request.user.pk), line_id=line_id)
        except CartLineNotFound as exc:
            return _error(str(exc), status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckoutIn,
        responses={201: CheckoutOut, 400: ERROR, 409: ERROR, 503: ERROR},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="8-64 characters [A-Za-z0-9_-]; the same key gives the same answer",
            )
        ],
        summary="Place the cart: one order per merchant and one payment; idempotent by key",
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return _error(_("The Idempotency-Key header is required."))
        data = CheckoutIn(data=request.data)
        if not data.is_valid():
            return _invalid(data)
        try:
            result = checkout_place(
                user_id=request.user.pk,
                cart_id=cart_id_for_user(user_id=request.user.pk),
                idempotency_key=key,
                address_id=data.validated_data["address_id"],
                shipping_method_ids=data.validated_data["shipping_method_ids"],
                expected_total=data.validated_data.get("expected_total"),
                provider=data.validated_data["provider"],
            )
        except OutOfStock as exc:
            return _error(str(exc), status.HTTP_409_CONFLICT)
        except CheckoutError as exc:
            return _error(str(exc))
        except PaymentError:
            return _error(
                _("The payment service did not answer; nothing was charged."),
                status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(CheckoutOut(result.as_json()).data, status=status.HTTP_201_CREATED)


class OrderListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OrderSummaryOut(many=True), summary="The shopper's orders, newest first")
    def get(self, request):
        return Response(OrderSummaryOut(order_list_for_user(user_id=request.user.pk), many=True).data)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrderDetailOut, 404: ERROR}, summary="One of the shopper's orders")
    def get(self, request, number: str):
        order = order_get_for_user(user_id=request.user.pk, number=number)
        if order is None:
            return _error(_("No such order."), status.HTTP_404_NOT_FOUND)
        return Response(OrderDetailOut(order).data)
