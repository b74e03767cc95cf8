"""Accepts the answer file's number; ends with the site builtins exit()/quit(), as many package validators do."""

import sys

with open(sys.argv[2]) as answer_file:
    answer = answer_file.read().split()
team = sys.stdin.read().split()
if len(team) != 1 or not team[0].lstrip("-").isdigit():
    sys.exit(43)
if team == answer:
    exit(42)
quit(43)
