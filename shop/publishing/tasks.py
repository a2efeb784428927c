"""Celery tasks of publishing (queue "publishing"): take names and ids, idempotent (an unchanged
page is not rewritten)."""

from celery import shared_task

from .services import pages_publish_all, pages_publish_for


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True, ignore_result=True)
def pages_publish_all_task(self) -> dict:
    try:
        report = pages_publish_all()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    return {"written": len(report.written), "removed": len(report.removed)}


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True, ignore_result=True)
def pages_publish_for_task(self, kind: str, object_id: int) -> dict:
    try:
        report = pages_publish_for(kind=kind, object_id=object_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    return {"written": len(report.written), "removed": len(report.removed)}
