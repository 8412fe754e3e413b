"""The CRM's listeners of the domain events, found at start-up (``autodiscover_modules``): the
timeline's (``timeline_listeners``) and the pipeline's (``pipeline_listeners``)."""

from . import pipeline_listeners, timeline_listeners  # noqa: F401 - they register themselves
