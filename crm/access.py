"""Who may do what in a CRM workspace (a company's CRM, seen only by its own people).

| role in the workspace's company        | read | log activities | edit |
|----------------------------------------|------|----------------|------|
| account manager, company admin         | yes  | yes            | yes  |
| procurement officer, bidder            | yes  | yes            | no   |
| anyone else (another company, nobody)  | 404: the workspace does not exist for them |

Every CRM service and selector starts with one of these checks; a row of another workspace is
"not found", never "forbidden", so its existence is not told either."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

EDIT_ROLES = (MembershipRole.ACCOUNT_MANAGER, MembershipRole.COMPANY_ADMIN)
READ_ROLES = (*EDIT_ROLES, MembershipRole.PROCUREMENT_OFFICER, MembershipRole.BIDDER)


def workspace_ids(*, user, edit: bool = False) -> set[int]:
    """The workspaces ``user`` may read (or edit)."""
    return user_company_ids(user=user, roles=EDIT_ROLES if edit else READ_ROLES)


def workspace_require(*, user, workspace_id: int, edit: bool = False) -> None:
    """Refuse ``user`` unless it may read (or edit) the workspace: 404 to outsiders, 403 to
    its readers asking to edit."""
    if workspace_id not in workspace_ids(user=user):
        raise NotFoundError(_("No such CRM workspace."), code="workspace_not_found")
    if edit and workspace_id not in workspace_ids(user=user, edit=True):
        raise PermissionDeniedError(
            _("Only the company's account managers and admins may change its CRM."),
            code="crm_read_only",
        )


def may_edit(*, user, workspace_id: int) -> bool:
    return workspace_id in workspace_ids(user=user, edit=True)
