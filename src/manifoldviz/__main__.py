"""``python -m manifoldviz`` runs the command-line interface."""

from manifoldviz_cli.main import main

main()
