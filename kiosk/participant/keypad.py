"""The on-screen keypad's server side, for browsers that run no script."""

KEYS = tuple("1234567890") + ("del", "clear")


def digits_only(text: str) -> str:
    """Keep the digits of an entry; cards print spaces and dots between groups."""
    return "".join(ch for ch in text if ch.isdigit())


def apply_key(entry: str, key: str, max_length: int) -> str:
    """Return the entry after one key press: a digit appends (up to max_length), del, clear."""
    entry = digits_only(entry)
    if key == "del":
        return entry[:-1]
    if key == "clear":
        return ""
    if key.isdigit() and len(key) == 1 and len(entry) < max_length:
        return entry + key
    return entry
