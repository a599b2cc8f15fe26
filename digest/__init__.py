"""digest: turn a week of news from many sources into a published newsletter."""

__version__ = "0.1.0"
