"""`/healthz`: a liveness probe for the load balancer and the benchmark's floor.

It answers through the full middleware stack but touches neither the database nor Redis, so its
requests per second are the most any page of this deployment can reach (benchmarks/README.md).
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
