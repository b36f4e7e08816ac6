"""Each endpoint is written once: a method builds a `Call`; the client's runner sends it.

`@endpoint` and `@paginated` are descriptors: on a resource bound to a `SyncRunner` the method
returns the result, on one bound to an `AsyncRunner` it returns an awaitable (or an async
iterator), and type checkers see the right one of each.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from vetanco.sdk._call import Call
from vetanco.sdk._http import AsyncRunner, SyncRunner
from vetanco.sdk.models.base import Pagina

P = ParamSpec("P")
T = TypeVar("T")
I = TypeVar("I")  # noqa: E741
R = TypeVar("R", bound=SyncRunner | AsyncRunner)


class Resource(Generic[R]):
    """A group of endpoints sharing the client's runner."""

    def __init__(self, runner: R) -> None:
        self._runner: R = runner


def _bind(build: Callable[..., Any], obj: Resource[Any], run: Callable[[Any], Any]) -> Any:
    """The method as callers see it: same name, docstring and signature, minus `self`."""

    @functools.wraps(build)
    def bound(*args: Any, **kwargs: Any) -> Any:
        return run(build(obj, *args, **kwargs))

    signature = inspect.signature(build)
    bound.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:],
        return_annotation=inspect.Signature.empty,
    )
    return bound


class endpoint(Generic[P, T]):
    """One request, one response."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> endpoint[P, T]: ...
    @overload
    def __get__(self, obj: Resource[SyncRunner], owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[AsyncRunner], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return _bind(self.build, obj, obj._runner.run)


class paginated(Generic[P, I]):
    """Every item of a paginated list, fetching page after page as the caller iterates."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[Pagina[I]]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> paginated[P, I]: ...
    @overload
    def __get__(self, obj: Resource[SyncRunner], owner: type[Any]) -> Callable[P, Iterator[I]]: ...
    @overload
    def __get__(
        self, obj: Resource[AsyncRunner], owner: type[Any]
    ) -> Callable[P, AsyncIterator[I]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return _bind(self.build, obj, obj._runner.iterate)
