"""Kernel shared by every package: database base, errors, audit, clock, permissions."""
