"""Builders: turn domain data into neutral tables (exports.tables); they never format."""
