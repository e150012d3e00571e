"""Pure rendering for recaps, cast, facts and search: text to Discord-sized pieces, no discord import."""
