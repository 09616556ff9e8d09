"""Mentoring programmes of an organization (003 §2, §3.3.3) and the individual plans of its pairs."""
