"""The campaign calendar: deadlines local to the region, windows, extensions."""
