"""Exports: statistics forms and monitoring reports as PDF, XLSX, CSV and XML (builder → neutral table → renderer)."""
import logging

logger = logging.getLogger(__name__)
