"""Satisfaction surveys (PRODUCT.md §10): questionnaires as data, one-time anonymous links, results for R10/R11."""
