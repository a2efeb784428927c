from django.shortcuts import render

from shop.observability.context import get_trace_id


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors may be trusted here; pass the trace id explicitly.
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"trace_id": getattr(request, "trace_id", "") or get_trace_id()})
    )
