"""`backup` and `restore`: a whole data folder (database, images, secret key) in one file,
taken while the blog serves and writes, and made into a new data folder again.

The database is copied with VACUUM INTO (one read transaction: the copy is the database of
one moment, never a file copy of a live database); the images are copied after it, so
every image the copy refers to is there (the cleanup spares files for an hour, and a
backup takes less). Synchronous: the command line runs it."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from blog import clock
from blog.content.image_files import ImageFiles
from blog.store.snapshots import facts, image_names, integrity, snapshot
from blog.transfer import TransferError
from blog.transfer.plan import IMAGE_FILE

FORMAT = "blog-backup"
VERSION = 1
MANIFEST = "backup.yaml"
DATABASE = "blog.sqlite3"
SECRET_KEY = "secret_key"


@dataclass
class BackupSummary:
    schema_version: int
    counts: dict[str, int]
    images: int
    missing_images: list[str] = field(default_factory=list)


def backup(data_dir: Path, out: Path) -> BackupSummary:
    database = data_dir / DATABASE
    if not database.is_file():
        raise TransferError(f"There is no blog database at {database} to back up.")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        copy = Path(work) / DATABASE
        snapshot(database, copy)
        version, counts = facts(copy)
        summary = BackupSummary(version, counts, 0)
        bundle_path = Path(work) / "backup.zip"
        with zipfile.ZipFile(bundle_path, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(copy, DATABASE)
            files = ImageFiles(data_dir / "images")
            for name in sorted(files.names()):
                try:
                    bundle.write(files.path(name), f"images/{name}", compress_type=zipfile.ZIP_STORED)
                    summary.images += 1
                except FileNotFoundError:  # removed by the cleanup meanwhile: no longer in use
                    pass
            summary.missing_images = sorted(image_names(copy) - _names_in(bundle))
            if (data_dir / SECRET_KEY).is_file():
                bundle.write(data_dir / SECRET_KEY, SECRET_KEY)
            bundle.writestr(MANIFEST, yaml.safe_dump({
                "format": FORMAT, "version": VERSION, "created_at": clock.now_iso(),
                "schema_version": version, "counts": counts, "images": summary.images}, sort_keys=False))
        os.chmod(bundle_path, 0o600)  # password hashes and the session key are inside
        os.replace(bundle_path, out)
    return summary


def _names_in(bundle: zipfile.ZipFile) -> set[str]:
    return {PurePosixPath(member).name for member in bundle.namelist() if member.startswith("images/")}


def _check_members(bundle: zipfile.ZipFile) -> None:
    """Only the files a backup holds, under names we chose: nothing can land outside the folder."""
    for member in bundle.namelist():
        parts = PurePosixPath(member).parts
        if member in (MANIFEST, DATABASE, SECRET_KEY):
            continue
        if len(parts) == 2 and parts[0] == "images" and IMAGE_FILE.fullmatch(parts[1]):
            continue
        raise TransferError(f"This backup holds a file we do not know ({member!r}); it was not made by `backup`.")


def restore(source: Path, data_dir: Path) -> BackupSummary:
    """Makes `data_dir` (new, or empty) a data folder the blog serves from."""
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise TransferError(f"{data_dir} already holds files. Restore into a new folder, then point "
                            "--data-dir (BLOG_DATA_DIR) at it.")
    try:
        bundle = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise TransferError(f"{source} is not a backup we can read: {exc}") from None
    data_dir = data_dir.resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with bundle, tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=".restore-") as work:
        try:
            manifest = yaml.safe_load(bundle.read(MANIFEST))
        except (KeyError, yaml.YAMLError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or DATABASE not in bundle.namelist():
            raise TransferError(f"{source} is not a backup made by `python -m blog backup`.")
        _check_members(bundle)
        target = Path(work) / "data"
        bundle.extractall(target)
        verdict = integrity(target / DATABASE)
        if verdict != "ok":
            raise TransferError(f"The database in this backup is damaged ({verdict}); nothing was restored.")
        if (target / SECRET_KEY).exists():
            os.chmod(target / SECRET_KEY, 0o600)
        version, counts = facts(target / DATABASE)
        images = len(list((target / "images").iterdir())) if (target / "images").exists() else 0
        if data_dir.exists():
            data_dir.rmdir()
        shutil.move(str(target), data_dir)
    return BackupSummary(version, counts, images)
