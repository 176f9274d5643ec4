"""`python -m clippings`: the same command as `clippings`."""

from clippings.cli import main

if __name__ == "__main__":
    main()
