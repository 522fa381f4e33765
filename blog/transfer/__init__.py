"""Moving a blog in and out: `export` to plain files, `import` of our own export or of a
WordPress export (WXR), and `backup` / `restore` of a whole data folder while it serves.

The commands are in blog/cli/transfer.py; the SQL is in blog/store/transfer.py and
blog/store/snapshots.py."""


class TransferError(Exception):
    """A file we cannot use, with a sentence that says why; nothing was changed."""
