"""The product's logic. Nothing in here imports telegram."""
