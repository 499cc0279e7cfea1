"""The web side: a JSON API and a French HTML portal served from the same core."""
