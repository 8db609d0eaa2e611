"""User errors in payloads, request errors at the top level, and masking of unexpected faults."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.utils.str_converters import to_camel_case

from kamgraph.api.enums import described_enum
from kamgraph.db.sql import FilterError
from kamgraph.errors import Code, Problem

log = logging.getLogger("kamgraph.api")

#: what strawberry turns into an HTTP error itself (no query, an operation it cannot run): not masked
PASSED_ON = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)

UserErrorCode = described_enum(
    Code,
    "Why a mutation changed nothing.",
    {
        "INVALID": "A value of the input breaks a data standard or a format (a wrong credit code, an empty name...).",
        "NOT_FOUND": "An id of the input names nothing you may see (unknown, of another type, or outside your scope).",
        "RULE_VIOLATION": "A business rule refuses the change (a step the contract flow does not allow, a payment "
        "above what is outstanding...).",
        "CONFLICT": "The object changed since you read it (see currentVersion), or the write collided with "
        "existing data.",
        "FORBIDDEN": "You lack the permission, or this change on this object is not yours to make.",
        "UNAUTHENTICATED": "login: the e-mail or the password is wrong (which one is not said).",
        "THROTTLED": "login: too many failed attempts; retry after retryAfterSeconds.",
    },
    name="UserErrorCode",
)


@strawberry.type(description="An expected failure of a mutation; a payload with user errors changed nothing.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path into the mutation\'s arguments, e.g. ["input", "creditCode"].'
    )
    code: UserErrorCode = strawberry.field(description="The kind of failure, for clients to switch on.")
    message: str = strawberry.field(description="What went wrong, in plain words for a person to read.")
    current_version: int | None = strawberry.field(
        default=None, description="With CONFLICT: the version the object has now."
    )


def user_error(problem: Problem, root: str = "input") -> UserError:
    path = [root, *(str(p) if isinstance(p, int) else to_camel_case(p) for p in problem.path)]
    return UserError(field=path, code=problem.code, message=problem.message, current_version=problem.current_version)


class RequestError(GraphQLError):
    """A request that cannot run as asked (bad cursor, page too large): a top-level error with a code."""

    def __init__(self, message: str, code: str = "BAD_REQUEST", **extra: Any) -> None:
        super().__init__(message, extensions={"code": code, **extra})


def _coded(error: GraphQLError) -> GraphQLError:
    """Every top-level error carries ``extensions.code`` (API.md): graphql-core's own parse, validation and
    variable errors get the codes clients switch on."""
    if (error.extensions or {}).get("code"):
        return error
    if isinstance(error, GraphQLSyntaxError):
        code = "GRAPHQL_PARSE_FAILED"
    elif error.message.startswith("Variable '$"):
        code = "BAD_USER_INPUT"
    elif error.path is None:
        code = "GRAPHQL_VALIDATION_FAILED"
    else:
        return error
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


class MaskUnexpectedErrors(SchemaExtension):
    """Replace any error that is not a deliberate ``GraphQLError`` by ``INTERNAL`` with the request id.

    The full exception, with its traceback, goes to the server log under the same request id.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # a parse error, or a limit, raised before execution
            raise self._hinted(_coded(error)) from None
        except PASSED_ON:
            raise
        except Exception as fault:  # in another extension's hook, which strawberry would report word for word
            raise self._mask(GraphQLError(str(fault), original_error=fault), self._request_id()) from fault
        result = self.execution_context.result
        if not result or not result.errors:
            return
        request_id = self._request_id()
        result.errors = [self._hinted(_coded(self._mask(error, request_id))) for error in result.errors]

    def _hinted(self, error: GraphQLError) -> GraphQLError:
        """In production no error names a schema element the caller did not write (API.md): graphql-core's
        "Did you mean ...?" would rebuild, argument by argument, the schema that introspection hides."""
        settings = getattr(self.execution_context.context, "settings", None)
        if getattr(settings, "production", False) and "Did you mean" in error.message:
            error.message = error.message.split(" Did you mean")[0].strip()
        return error

    def _request_id(self) -> str:
        return getattr(self.execution_context.context, "request_id", "-")

    @staticmethod
    def _mask(error: GraphQLError, request_id: str) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return error  # validation errors and deliberate request errors are the client's to read
        if isinstance(original, FilterError):  # a filter or cursor the client got wrong, wherever it was compiled
            return GraphQLError(str(original), nodes=error.nodes, path=error.path, extensions={"code": "BAD_REQUEST"})
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=original,
            extra={"request_id": request_id},
        )
        return GraphQLError(
            f"Internal error. Quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL", "requestId": request_id},
        )
