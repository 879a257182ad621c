"""Where a worker is: exactly one of these places at any time."""

HOME, LOCAL, SEEKING, JOB, PRD, OTHER, FESTIVAL = range(7)
PLACE_LABELS = ("home", "local_job", "ningbo_seeking", "ningbo_job", "prd", "other_region", "festival_visit")
