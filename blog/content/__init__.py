"""The rules of what people write: who may see and change a post, the post form,
comments, Markdown rendering and sanitizing, and uploaded images."""
