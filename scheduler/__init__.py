"""The scheduler process and its jobs: the one layer that may import every domain below it (HOUSE_STYLE §8.2)."""
