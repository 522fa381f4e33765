"""`seed-demo`: realistic demo authors and posts, by the hundred thousand."""
