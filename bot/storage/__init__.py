"""What the bot keeps between starts: records added from the chat, servers' settings, watches."""
