"""Operations: backups and restores, the database lock, health and metrics, structured logs.

What a host needs to run the bot for a year. Nothing here imports discord except the parts that
read a running bot (`bot.ops.health`, `bot.ops.metrics` hooks are fed by `bot.app`).
"""
