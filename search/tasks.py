from celery import shared_task

from . import services


@shared_task(name="search.tender_reindex")
def tender_reindex(tender_id: int) -> bool:
    return services.tender_reindex(tender_id=tender_id)
