"""Reading an export of this blog (see export.py) into an ImportPlan."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import yaml

from blog.content.markdown import own_images
from blog.content.post_form import STATUSES, parse_tags
from blog.store.images import ImageSize, InlineImage
from blog.store.transfer import NewAuthor, NewComment, NewPost
from blog.transfer import TransferError
from blog.transfer.export import FORMAT, MANIFEST, VERSION
from blog.transfer.plan import ImportPlan, author, checked_image, moment, rendered, title_of, username_from

KINDS = ("post", "page")


def _yaml(bundle: zipfile.ZipFile, name: str) -> Any:
    try:
        return yaml.safe_load(bundle.read(name).decode("utf-8"))
    except KeyError:
        raise TransferError(f"The export has no {name}.") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TransferError(f"{name} cannot be read: {exc}") from None


def _split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise TransferError(f"{where} does not start with front matter (a line '---').")
    head, separator, body = text[4:].partition("\n---\n")
    if not separator:
        raise TransferError(f"{where}: the front matter has no closing line '---'.")
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as exc:
        raise TransferError(f"{where}: the front matter cannot be read: {exc}") from None
    if not isinstance(meta, dict):
        raise TransferError(f"{where}: the front matter is not a set of 'name: value' lines.")
    return meta, body


def _text(meta: dict[str, Any], name: str, where: str, *, required: bool = False) -> str:
    value = meta.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise TransferError(f"{where}: '{name}' must be {'a non-empty' if required else 'a'} text.")
    return value


def _authors(bundle: zipfile.ZipFile) -> dict[str, NewAuthor]:
    data = _yaml(bundle, "authors.yaml") or []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise TransferError("authors.yaml must be a list of accounts.")
    found = {}
    for item in data:
        name = username_from(str(item.get("username", "")))
        found[name.lower()] = author(name, str(item.get("email") or ""), str(item.get("bio") or ""))
    return found


def _uploads(bundle: zipfile.ZipFile) -> tuple[list[tuple[str, str, int, int]], dict[str, InlineImage]]:
    data = _yaml(bundle, "images.yaml") if "images.yaml" in bundle.namelist() else []
    rows: list[tuple[str, str, int, int]] = []
    for item in data or []:
        try:
            rows.append((str(item["name"]), str(item["upload"]), int(item["width"]), int(item["height"])))
        except (KeyError, TypeError, ValueError):
            raise TransferError(f"images.yaml: {item!r} is not a name, upload, width and height.") from None
    groups: dict[str, list[ImageSize]] = {}
    for name, upload, width, height in rows:
        groups.setdefault(upload, []).append(ImageSize(name, width, height))
    uploads = {upload: InlineImage(upload, tuple(sorted(sizes, key=lambda s: s.width)))
               for upload, sizes in groups.items()}
    return rows, {name: uploads[upload] for name, upload, _, _ in rows if upload in uploads}


def _comments(bundle: zipfile.ZipFile, slug: str, authors: dict[str, NewAuthor], plan: ImportPlan) -> tuple[NewComment, ...]:
    name = f"comments/{slug}.yaml"
    if name not in bundle.namelist():
        return ()
    data = _yaml(bundle, name) or []
    comments = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("body"), str):
            raise TransferError(f"{name}: each comment needs an author, a created_at and a body.")
        who = username_from(str(item.get("author", "")))
        html, _ = rendered(item["body"], None, plan)
        comments.append(NewComment(authors.get(who.lower()) or author(who), item["body"], html,
                                   moment(item.get("created_at"), name)))
    return tuple(comments)


def _post(bundle: zipfile.ZipFile, name: str, authors: dict[str, NewAuthor], images: dict[str, InlineImage],
          plan: ImportPlan) -> NewPost:
    try:
        text = bundle.read(name).decode("utf-8")
    except UnicodeDecodeError:
        raise TransferError(f"{name} is not UTF-8 text.") from None
    meta, body = _split_front_matter(text, name)
    slug = _text(meta, "slug", name, required=True)
    status, kind = meta.get("status", "draft"), meta.get("kind", "post")
    if status not in STATUSES or kind not in KINDS:
        raise TransferError(f"{name}: status must be one of {', '.join(STATUSES)} and kind post or page.")
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise TransferError(f"{name}: tags must be a list.")
    who = username_from(_text(meta, "author", name, required=True))
    created = moment(meta.get("created_at"), name)
    html, excerpt = rendered(body, {n: images[n] for n in own_images(body) if n in images}, plan)
    summary = _text(meta, "summary", name).strip()
    optional = {field: moment(meta[field], name) if meta.get(field) else None
                for field in ("published_at", "publish_at", "deleted_at")}
    return NewPost(
        key=f"blog:{slug}@{created}", author=authors.get(who.lower()) or author(who), kind=kind, slug=slug,
        title=title_of(_text(meta, "title", name, required=True)), summary=summary, excerpt=summary or excerpt,
        body=body, body_html=html, status=status, tags=tuple(parse_tags(",".join(map(str, tags)))[:10]),
        created_at=created, updated_at=moment(meta.get("updated_at") or created, name),
        published_at=optional["published_at"], publish_at=optional["publish_at"],
        deleted_at=optional["deleted_at"], image=meta.get("image") or None, thumbnail=meta.get("thumbnail") or None,
        image_alt=_text(meta, "image_alt", name), comments=_comments(bundle, slug, authors, plan))


def _image_reader(bundle_path: str, member: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with zipfile.ZipFile(bundle_path) as bundle:
            return bundle.read(member)
    return read


def read_own_export(path: str, on_item: Callable[[], object] = lambda: None) -> ImportPlan:
    try:
        bundle = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TransferError(f"{path} is not a zip file we can read: {exc}") from None
    with bundle:
        manifest = _yaml(bundle, MANIFEST)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise TransferError(f"This zip file is not an export of this blog ({MANIFEST} does not say format: {FORMAT}).")
        if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
            raise TransferError(f"This export is of version {manifest.get('version')}; this blog reads version {VERSION}.")
        plan = ImportPlan(source=f"an export of {manifest.get('site') or 'a blog'}")
        authors = _authors(bundle)
        plan.image_sizes, inline = _uploads(bundle)
        for member in bundle.namelist():
            path_parts = PurePosixPath(member).parts
            if len(path_parts) == 2 and path_parts[0] == "images":
                checked_image(path_parts[1], bundle.read(member), member)
                plan.images[path_parts[1]] = _image_reader(path, member)
        for member in sorted(bundle.namelist()):
            if member.startswith("posts/") and member.endswith(".md"):
                plan.posts.append(_post(bundle, member, authors, inline, plan))
                on_item()
        plan.posts.sort(key=lambda post: (post.created_at, post.slug))  # written in the order they were first
        for post in plan.posts:
            for image in (post.image, post.thumbnail):
                if image and image not in plan.images:
                    raise TransferError(f"posts/{post.slug}.md: its image {image} is not in the export's images/.")
        return plan
