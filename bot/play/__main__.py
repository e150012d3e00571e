import sys

from bot.play import main

raise SystemExit(main(sys.argv[1:]))
