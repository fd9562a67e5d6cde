"""The one exceptions module: every error a user may see is a NewsqaError.

The CLI and the bot turn these into a single line; anything else is a bug and is
logged with its traceback.
"""


class NewsqaError(Exception):
    """An expected failure with a message fit for one line of output."""


class ArticleError(NewsqaError):
    """An article file cannot be read or holds no usable text."""


class IndexMissingError(NewsqaError):
    """No index has been built yet."""


class IndexCorruptError(NewsqaError):
    """The index on disk cannot be read; `newsqa index rebuild` mends it."""


class QuestionError(NewsqaError):
    """A question that cannot be asked (empty, too long)."""


class SourceError(NewsqaError):
    """A URL or file given to `newsqa add` cannot be fetched or read."""
