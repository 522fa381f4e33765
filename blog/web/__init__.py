"""The request machinery every page shares: error pages, security headers and CSRF,
request ids, the cross-process change check, the page caches, templating and forms.
Knows nothing of posts or accounts; imports only the store beneath it."""
