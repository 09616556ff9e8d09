"""The campaign calendar page (/calendar) and its ICS feed: the deadlines with the user's own report states."""
