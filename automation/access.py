"""Who may do what with a workspace's automation rules (the CRM's workspace, ``crm.access``):

| role in the workspace's company  | read rules and runs | change rules, retry |
|----------------------------------|---------------------|---------------------|
| company admin                    | yes                 | yes                 |
| account manager                  | yes                 | no (403)            |
| anyone else                      | 404: no such workspace for them           |

A procurement officer or a bidder reads the CRM but not its automation: to them, as to another
company, the rules do not exist."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

READ_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER)
EDIT_ROLES = (MembershipRole.COMPANY_ADMIN,)


def automation_require(*, user, workspace_id: int, edit: bool = False) -> None:
    """Refuse ``user`` unless it may read (or change) the workspace's rules."""
    if workspace_id not in user_company_ids(user=user, roles=READ_ROLES):
        raise NotFoundError(_("No such CRM workspace."), code="workspace_not_found")
    if edit and not may_change(user=user, workspace_id=workspace_id):
        raise PermissionDeniedError(
            _("Only the company's admins may change its automation rules."),
            code="automation_read_only",
        )


def may_change(*, user, workspace_id: int) -> bool:
    return workspace_id in user_company_ids(user=user, roles=EDIT_ROLES)
