"""blog: a small team's blog engine on aiohttp."""
