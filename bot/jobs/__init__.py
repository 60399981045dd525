"""Scale-out mode's job queue (procrastinate on PostgreSQL): renders and sound-off deadlines outlive a process."""
