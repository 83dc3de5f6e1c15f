"""Component ids of the admin pages. Every one starts with ``admin-``: the sign-in guard
(dashboard/auth.py) refuses any Dash callback touching such an id to a non-administrator."""

PREFIX = "admin-"

# uploads
UPLOAD = "admin-upload"
UPLOAD_LIST = "admin-upload-list"
UPLOAD_JOB = "admin-upload"          # job panel prefix: -job, -progress, -status, -result

# ETL
ETL_SOURCES = "admin-etl-sources"
ETL_UPLOADS = "admin-etl-uploads"
ETL_MESSAGE = "admin-etl-message"
ETL_JOB = "admin-etl"                # job panel prefix

# run history
RUNS_TABLE = "admin-runs-table"
RUNS_REFRESH = "admin-runs-refresh"

# review queue
REVIEW_KIND = "admin-review-kind"
REVIEW_ITEM = "admin-review-item"
REVIEW_DETAIL = "admin-review-detail"
REVIEW_ACCEPT = "admin-review-accept"
REVIEW_REJECT = "admin-review-reject"
REVIEW_MERGE_INTO = "admin-review-merge-into"
REVIEW_MERGE = "admin-review-merge"
REVIEW_COUNTRY = "admin-review-country"
REVIEW_SET_COUNTRY = "admin-review-set-country"
REVIEW_PKIND = "admin-review-partner-kind"
REVIEW_SET_KIND = "admin-review-set-kind"
REVIEW_MESSAGE = "admin-review-message"
REVIEW_VERSION = "admin-review-version"

# users
USERS_TABLE = "admin-users-table"
USERS_NAME = "admin-users-name"
USERS_ROLE = "admin-users-role"
USERS_PASSWORD = "admin-users-password"
USERS_ADD = "admin-users-add"
USERS_SELECT = "admin-users-select"
USERS_NEW_ROLE = "admin-users-new-role"
USERS_SET_ROLE = "admin-users-set-role"
USERS_NEW_PASSWORD = "admin-users-new-password"
USERS_SET_PASSWORD = "admin-users-set-password"
USERS_REMOVE = "admin-users-remove"
USERS_MESSAGE = "admin-users-message"
USERS_VERSION = "admin-users-version"

# audit log
AUDIT_USER = "admin-audit-user"
AUDIT_ACTION = "admin-audit-action"
AUDIT_TABLE = "admin-audit-table"
