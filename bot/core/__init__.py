"""The core: entities, outcomes, the context, ports and texts. It imports nothing else
of the project, so every feature and adapter can depend on it and it on none of them."""
