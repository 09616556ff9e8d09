"""Plans (roadmaps) of municipalities and organizations: targets per campaign, their approval, target resolution."""
import logging

logger = logging.getLogger(__name__)
