"""Settings and speaker aliases."""

from config.aliases import load_aliases
from config.settings import Settings

__all__ = ["Settings", "load_aliases"]
