"""Errors a user can cause, carrying a one-line message meant for them."""


class UserError(Exception):
    """A problem the user can fix; str(error) is one line naming the problem and what to do."""


class ProjectFileError(UserError):
    """A project file that cannot be read or fails validation."""


class CancelledError(Exception):
    """A long job stopped because its cancel flag was set."""
