"""Running the blog as a service: several worker processes, hourly housekeeping,
and keeping the process's memory small."""
