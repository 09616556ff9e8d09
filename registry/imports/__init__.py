"""Imports run as background jobs: the job rows and the page listing a user's imports."""
