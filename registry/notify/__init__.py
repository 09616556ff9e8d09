"""Notifications: an in-app list per user and e-mail through a transactional outbox."""
