"""Drop-in replacements for other hashing packages (`import hashsieve.compat.pdqhash as pdqhash`)."""
