"""The benchmark sample's application code (never run: the image has no Python)."""
from app.util import greeting


def main() -> None:
    print(greeting("world"))


if __name__ == "__main__":
    main()
