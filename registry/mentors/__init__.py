"""Mentor self-service: own pairs and plans, quarterly reports checked by the curator, the year-end evaluation."""
