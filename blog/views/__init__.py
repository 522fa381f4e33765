"""One module per capability; each has setup_routes(app)."""
