"""Our data in the RealWorld JSON shapes. An empty bio or image is null, as the suite expects.

`image` is a URL: the absolute address of the avatar uploaded on the profile page when
there is one (`base` is the site's public address), else the URL set through the API."""

from __future__ import annotations

from typing import Any

from blog.store.articles import Article
from blog.store.comments import Comment
from blog.store.reactions import Reaction
from blog.store.users import User
from blog.web.paths import IMAGES_PREFIX


def picture_url(base: str, avatar: str | None, image: str | None) -> str | None:
    """The profile's picture as the API shows it: the uploaded avatar's absolute URL, else `image`."""
    return f"{base}{IMAGES_PREFIX}/{avatar}" if avatar else image or None


def user_json(user: User, token: str, base: str) -> dict[str, Any]:
    return {"email": user.email, "token": token, "username": user.username,
            "bio": user.bio or None, "image": picture_url(base, user.avatar, user.image)}


def profile_json(username: str, bio: str, image: str | None, following: bool) -> dict[str, Any]:
    return {"username": username, "bio": bio or None, "image": image or None, "following": following}


def user_profile_json(user: User, following: bool, base: str) -> dict[str, Any]:
    return profile_json(user.username, user.bio, picture_url(base, user.avatar, user.image), following)


def article_json(article: Article, base: str) -> dict[str, Any]:
    """An article; lists leave the body out (the store does not even read it for them)."""
    data: dict[str, Any] = {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        # Alphabetical, as RealWorld's suites expect; the site's pages keep the writer's order.
        "tagList": sorted(article.tags),
        "createdAt": article.created_at,
        "updatedAt": article.updated_at,
        "favorited": article.favorited,
        "favoritesCount": article.favorites_count,
        "author": profile_json(article.author, article.author_bio,
                               picture_url(base, article.author_avatar, article.author_image), article.following),
    }
    if article.body is not None:
        data["body"] = article.body
    return data


def comment_json(comment: Comment, author: User, following: bool, base: str,
                 reactions: list[Reaction] | None = None) -> dict[str, Any]:
    """RealWorld's comment, with our conversations beside it: the thread it belongs to, the
    comment it answers, when it was last edited, and its reactions."""
    return {"id": comment.id, "createdAt": comment.created_at, "updatedAt": comment.edited_at or comment.created_at,
            "body": comment.body, "author": user_profile_json(author, following, base),
            "parentId": comment.parent_id, "replyToId": comment.reply_to_id, "edited": comment.edited_at is not None,
            "reactions": [reaction.as_json() for reaction in reactions or []]}
