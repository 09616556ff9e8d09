"""Indicator submissions, review, aggregation and frozen snapshots."""
