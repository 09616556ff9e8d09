"""API tests use the root fixtures (`api_as`); every test-client request has its own app context."""
