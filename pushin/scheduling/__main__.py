from .cli import main

# Guarded: a district plan's process pool (spawn) imports this module again in each child.
if __name__ == "__main__":
    raise SystemExit(main())
