"""`python -m blog`: see blog/cli/."""

import sys

from blog.cli import main

if __name__ == "__main__":
    sys.exit(main())
