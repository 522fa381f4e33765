"""The RealWorld ("Conduit") JSON API, served under /api as a sub-application.

One module per capability; blog/api/app.py wires them. The API shares the
store with the HTML site and authenticates with API tokens only, never with
the browser's session cookie."""
