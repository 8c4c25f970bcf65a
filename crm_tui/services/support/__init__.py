"""Support: cases and their queues, routing and SLAs, contracts, and service scheduling.

Importing the package registers its after-write listeners (services.hooks):
an activity logged or completed regarding a case may be its first response.
"""

from crm_tui.services import hooks


def _case_activity(activity) -> None:
    """A case's first response, when the activity answers one."""
    if activity.regarding_type != "case":
        return
    # Imported on the first case activity: logging a call on an account
    # must not load the case modules.
    from crm_tui.services.support import case_clock

    case_clock.first_response(activity)


hooks.listen(hooks.ACTIVITY_LOGGED, _case_activity)
hooks.listen(hooks.ACTIVITY_COMPLETED, _case_activity)
