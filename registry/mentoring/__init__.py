"""Personalised records of mentoring: mentors, mentees, pairs/groups, consents, partners, practices."""
import logging

logger = logging.getLogger(__name__)
