"""Every component id of the dashboard, in one place.

Callbacks, layouts and browser tests refer to components through these names only,
so renaming an id is a one-line change and a typo is an AttributeError, not a silent
callback that never fires.
"""

# -- the shell (shared by every page) ---------------------------------------
URL = "url"                      # dcc.Location that mirrors the filters in the query string
FILTERS = "filters-store"        # dcc.Store: the parsed filter state every page listens to
NAVBAR = "navbar"
NAV_LINKS = "nav-links"
# interface language (dashboard/components/navbar.py): the EN | 中文 switch, and the shell's
# texts that follow it (the page's own texts come from its layout, re-rendered on a switch).
# Elements of dcc.Markdown HTML or plain spans written by assets/links.js, not Dash callbacks.
UI_LANG_SWITCH = "ui-lang-switch"
UI_LANG_EN = "ui-lang-en"
UI_LANG_ZH = "ui-lang-zh"
BRAND_LINK = "brand-link"
BRAND_TITLE = "brand-title"
FOOTER_TEXT = "footer-text"

# -- filter bar --------------------------------------------------------------
FILTER_BAR = "filter-bar"
FILTER_YEARS = "filter-years"
FILTER_SCHOOLS = "filter-schools"
FILTER_KINDS = "filter-kinds"
FILTER_COUNTRIES = "filter-countries"
FILTER_PARTNER_KINDS = "filter-partner-kinds"
FILTER_LANGUAGE = "filter-language"
FILTER_RESET = "filter-reset"
FILTER_SUMMARY = "filter-summary"

# -- overview page -----------------------------------------------------------
OV_KPIS = "ov-kpis"
OV_PROGRAMME_KPIS = "ov-programme-kpis"   # active joint programmes, students in programmes (issue 16)
OV_KPI_JOINT = "ov-kpi-joint-programmes"
OV_KPI_PROG_STUDENTS = "ov-kpi-programme-students"
OV_KPI_DOCUMENTS = "ov-kpi-documents"
OV_KPI_PARTNERS = "ov-kpi-partners"
OV_KPI_COUNTRIES = "ov-kpi-countries"
OV_KPI_SCHOOLS = "ov-kpi-schools"
OV_PER_YEAR = "ov-activities-per-year"
OV_BY_SCHOOL = "ov-activities-by-school"
OV_PARTNERS = "ov-top-partners"
OV_COUNTRY_MAP = "ov-country-map"
OV_COUNTRIES = "ov-top-countries"
OV_CHANGES = "ov-changes"

# -- drill-down panel (every page with charts; dashboard/components/drilldown.py) --
DRILL_PANEL = "drill-panel"          # dbc.Offcanvas: the documents behind a clicked element
DRILL_SPEC = "drill-spec"            # dcc.Store: the clicked element (queries.drill.DrillSpec.to_dict())
DRILL_HEAD = "drill-head"
DRILL_BODY = "drill-body"
DRILL_FILTER = "drill-filter"        # button: filter the page to the element (cross-filter)
DRILL_LINKS = "drill-links"

# -- schools page and school detail page ------------------------------------------
SC_HEAT = "sc-school-year-heat"
SC_TABLE = "sc-schools-table"
SC_METRIC = "sc-heat-metric"
SCD_HEAD = "scd-head"
SCD_ID = "scd-school-id"             # dcc.Store: the school whose page this is
SCD_KPIS = "scd-kpis"
SCD_MOBILITY = "scd-mobility"
SCD_TREND = "scd-trend"
SCD_KINDS = "scd-kinds"
SCD_PARTNERS = "scd-partners"
SCD_REPORTS = "scd-reports"
SCD_PROGRAMMES = "scd-programmes"      # the programme records naming the school (issue 16)
SCD_PROGRAMMES_ROW = "scd-programmes-row"

# -- partners page and partner detail page ----------------------------------------
PA_MAP = "pa-partner-map"
PA_GRID = "pa-partners-grid"
PA_SEARCH = "pa-search"
PA_COUNT = "pa-count"
PA_KINDS = "pa-partner-kinds"
PAD_HEAD = "pad-head"
PAD_ID = "pad-partner-id"            # dcc.Store: the partner whose page this is
PAD_KPIS = "pad-kpis"
PAD_LIST = "pad-interactions"
PAD_MOBILITY = "pad-mobility"
PAD_TIMELINE = "pad-timeline"
PAD_SCHOOLS = "pad-schools"
PAD_REPORTS = "pad-reports"
PAD_PROGRAMMES = "pad-programmes"      # the programme records with the partner (issue 16)
PAD_PROGRAMMES_ROW = "pad-programmes-row"

# -- programs & mobility page (office reports) --------------------------------------
PR_KPIS = "pr-kpis"
PR_BY_LEVEL = "pr-programs-by-level"
PR_BY_MODE = "pr-programs-by-mode"
PR_TABLE = "pr-programs-table"
PR_TABLE_PICK = "pr-programs-pick"          # dcc.Store: a level/mode clicked on the charts narrows the table
PR_TABLE_CLEAR = "pr-programs-pick-clear"
PR_TABLE_HEAD = "pr-programs-pick-head"
PR_STUDENTS_YEAR = "pr-students-per-year"
PR_STUDENTS_SCHOOL = "pr-students-by-school"
PR_STUDENTS_COUNTRY = "pr-students-by-country"
PR_MOBILITY_ROWS = "pr-mobility-rows"
PR_ROWS_PICK = "pr-rows-pick"               # dcc.Store: the clicked bar (a DrillSpec dict) the rows are narrowed to
PR_ROWS_HEAD = "pr-rows-head"
PR_ROWS_FILTER = "pr-rows-filter"           # button: filter the dashboard to the clicked bar
PR_ROWS_CLEAR = "pr-rows-clear"
PR_TIMELINE = "pr-agreements-timeline"
PR_EXPIRING = "pr-agreements-expiring"
PR_SOURCES = "pr-report-files"

# -- network page ----------------------------------------------------------------------
NW_GRAPH = "nw-graph"                       # dash-cytoscape
NW_TOP = "nw-top-partners"                  # how many partners the graph shows
NW_MIN = "nw-min-shared"                    # fewest shared documents an edge needs
NW_LAYOUT = "nw-layout"
NW_FOCUS = "nw-focus"                       # dcc.Store: the partner in focus (also in the URL hash)
NW_FOCUS_CLEAR = "nw-focus-clear"
NW_FILTER = "nw-filter"                     # button: filter the dashboard to the school in focus
NW_LINK = "nw-link"                         # link to the focused school's or partner's own page
NW_SUMMARY = "nw-summary"
NW_LEGEND = "nw-legend"
NW_DETAIL = "nw-detail"                     # side panel: the clicked node or edge and its documents

# -- sources page and article view -------------------------------------------------------
SR_SEARCH = "sr-search"
SR_RESULTS = "sr-results"
SR_COUNT = "sr-count"
SR_PAGER = "sr-pager"
DOC_HEAD = "doc-head"
DOC_TEXT = "doc-text"
DOC_FACTS = "doc-facts"
DOC_LEGEND = "doc-legend"

# -- programme records (issue 16): the Programs page's records section, a programme's page ------
PG_SECTION = "pg-records"                   # the section's anchor (/programs#pg-records)
PG_KINDS = "pg-by-kind"                     # records per kind × status; a click narrows the list
PG_PICK = "pg-pick"                         # dcc.Store: the kind (and status) clicked on PG_KINDS
PG_PICK_HEAD = "pg-pick-head"
PG_PICK_CLEAR = "pg-pick-clear"
PG_GRID = "pg-grid"                         # dash-ag-grid: one row per record
PG_COUNT = "pg-count"
PG_SEARCH = "pg-search"
PG_REGISTER = "pg-register-check"           # the register cross-check lists
PGD_HEAD = "pgd-head"
PGD_STUDENTS = "pgd-students"
PGD_TIMELINE = "pgd-timeline"
PGD_REGISTER = "pgd-register"
