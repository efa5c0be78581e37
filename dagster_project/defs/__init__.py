"""One module per concern of the code location; definitions.py loads them all."""
