"""cuedetect's debrief dashboard: `streamlit run dashboard.py` (or `cuedetect dashboard`).

Layout only: the pages live in cuedetect/dashboard/views/, their logic in cuedetect/dashboard/.
The session store is $CUEDETECT_DATA_DIR/cuedetect.sqlite (or the user data folder's).
"""

from cuedetect.dashboard.views.app import main

main()
