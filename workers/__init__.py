"""Background processes: RQ worker, cron schedule, development launcher."""
