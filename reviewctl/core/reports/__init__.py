"""What is read over the store: the summary cache, the tracker, the figures, search and the site."""
