"""Views of the payments app: the provider notification endpoint, the sandbox gateway's hosted page
and the shop's "processing" page. Thin: parse, check, call one service or selector."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.payments import metrics, selectors, services
from apps.payments.models import Payment
from apps.payments.providers import provider_names

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in provider_names():
        raise Http404
    try:
        result = services.payment_notification_handle(
            provider=provider, raw_body=request.body, headers=request.headers
        )
    except services.NotificationRejected as error:
        metrics.payment_notifications.labels(provider, "rejected").inc()
        logger.warning(
            "payment notification refused: %s (%s)",
            error.reason,
            error.detail,
            extra={"provider": provider, "reason": error.reason},
        )
        return JsonResponse({"error": error.reason}, status=400)
    return JsonResponse({"received": True, "applied": result.applied, "duplicate": result.duplicate})


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, token: str) -> HttpResponse:
    payment = selectors.payment_get_by_sandbox_token(token=token)
    if payment is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in (services.SANDBOX_PAY, services.SANDBOX_DECLINE):
            context = {
                "payment": payment,
                "status_label": _status_label(payment.status),
                "invalid_action": True,
            }
            return render(request, "payments/sandbox_pay.html", context, status=400)
        services.sandbox_payment_decide(token=token, pay=action == services.SANDBOX_PAY)
        return redirect("payments:processing", payment_id=payment.id)
    context = {"payment": payment, "status_label": _status_label(payment.status)}
    return render(request, "payments/sandbox_pay.html", context)


def processing(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = selectors.payment_get(payment_id=payment_id)
    if payment is None:
        raise Http404
    if payment.user_id is not None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        if request.user.pk != payment.user_id:
            raise Http404
    return_url = payment.return_url
    # Checkout builds the return URL on SHOP_SITE_URL; anything pointing elsewhere is dropped.
    allowed_hosts = {request.get_host(), urlsplit(settings.SHOP_SITE_URL).netloc}
    if return_url and not url_has_allowed_host_and_scheme(return_url, allowed_hosts=allowed_hosts):
        return_url = ""
    context = {"payment": payment, "status_label": _status_label(payment.status), "return_url": return_url}
    return render(request, "payments/processing.html", context)


def _status_label(status: str) -> str:
    return str(Payment.Status(status).label)
