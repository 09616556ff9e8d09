"""Records pages, split by subject; each module holds one blueprint under /records."""
