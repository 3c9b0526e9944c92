"""A small fake Discord (REST and gateway on 127.0.0.1) that the real discord.py client can talk to."""

from tests.fake_discord.harness import bot_on_fake, make_settings, running
from tests.fake_discord.server import FakeDiscord, Sent

__all__ = ["FakeDiscord", "Sent", "bot_on_fake", "make_settings", "running"]
