"""Region → municipality → organization, and who may see and do what within it."""
