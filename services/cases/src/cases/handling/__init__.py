"""Handling a case: the workflow of statuses, holds, memos, assignment, and following the
other services' events."""
