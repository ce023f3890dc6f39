import os

# Opt in to PTB's coming behaviour (retry_after as a timedelta) and skip its warnings.
os.environ.setdefault("PTB_TIMEDELTA", "true")
