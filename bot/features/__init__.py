"""The features: each a package that depends only on the core and on the collaborators
handed to its constructor (see bot/compose.py)."""
