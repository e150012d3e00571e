"""Trivia: pure game logic (no discord, no SQL, no sleeping).

- `text`: normalising answers into comparable tokens (accents, numbers, dates).
- `matching`: deciding whether a typed guess is right (exact, fuzzy or wrong).
- `scoring`: points for a correct answer.
- `selection`: which questions a game asks.
- `game`: one game as a state machine driven by the cog with times from the injected clock.
- `hints`: the masked answer shown as typed-mode hints.
- `suggestions`: validating a community-suggested question.
"""
