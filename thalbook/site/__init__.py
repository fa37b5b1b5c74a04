"""The site layer: the Sphinx extension (local assets, CSP, speed rewrites, icons), the 404 page and the
local server. The top of the stack: it may import any layer below, and nothing imports it."""
