"""The CRM's listeners of the domain events, found at start-up (``autodiscover_modules``): the
timeline's (``timeline_listeners``), the pipeline's (``pipeline_listeners``) and the leads of the
companies a buyer invites to its tenders before they are registered (``sourcing_listeners``)."""

from . import (  # noqa: F401 - they register themselves
    pipeline_listeners,
    sourcing_listeners,
    timeline_listeners,
)
