"""Organization documents (003 §3.2.3, §3.3.1): one slot per kind, versioned files, the roadmap's municipal approval."""
