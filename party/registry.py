"""What each app adds from its AppConfig.ready() to a list the lower apps read (import sheets,
work-record kinds): one explicit registration instead of module-level lists spliced in order.

An app registers all its items at once under an order key (party 100, pledges 200); the list is
the items by order key, then in the order given, and no two items may share a key.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Registry[T]:
    def __init__(self, what: str, key: Callable[[T], str]) -> None:
        self.what = what  # for the error messages, e.g. "Import sheets"
        self.key = key
        self._groups: dict[int, tuple[T, ...]] = {}

    def register(self, *items: T, order: int) -> None:
        """Add an app's items, in the order given, at `order` among the other apps' items."""
        if self._groups.get(order) == items:
            return  # the same app registering again (ready() run twice)
        if order in self._groups:
            taken = self._groups[order]
            raise ImproperlyConfigured(f"{self.what} already registered at order {order}: {taken}")
        keys = [self.key(item) for item in (*self.items(), *items)]
        if len(set(keys)) != len(keys):
            raise ImproperlyConfigured(f"{self.what}: two have the same key: {keys}")
        self._groups[order] = items

    def items(self) -> list[T]:
        return [item for order in sorted(self._groups) for item in self._groups[order]]

    def get(self, key: str) -> T | None:
        return next((item for item in self.items() if self.key(item) == key), None)
