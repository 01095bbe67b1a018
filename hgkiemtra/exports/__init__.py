"""Long exports as background jobs: a row per job, a Celery task that writes
the file in batches and reports its progress, a page listing one's jobs with
a progress bar and a download link, and the clean-up of expired files."""
