"""Knowledge: articles, their review cycle, and knowledge search."""
