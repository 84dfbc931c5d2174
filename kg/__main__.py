"""`python -m kg …` does what the `kg` console script does."""

from kg.cli import main

if __name__ == "__main__":
    main()
