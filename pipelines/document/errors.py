"""The one error a reader raises: the input cannot be read as a document, and why (naming the input)."""


class UnreadableDocument(Exception):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
