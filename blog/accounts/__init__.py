"""Who is asking and how they prove it: the session cookie and its key, the current
user, logging in and out, passwords, the login throttle, device names."""
