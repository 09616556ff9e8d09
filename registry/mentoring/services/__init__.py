"""State-changing use-cases of the records: validate → mutate → flush → audit; callers commit."""
