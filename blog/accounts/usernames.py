"""What a username may be, for the registration form, the API and the command line."""

from __future__ import annotations

import re

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")
USERNAME_RULE = "Use 3 to 30 letters, digits, '-' or '_'."
