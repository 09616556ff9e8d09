"""The public registry (no login): consented mentors, honorary gallery, best practices, partners, open data."""
import logging

logger = logging.getLogger(__name__)
