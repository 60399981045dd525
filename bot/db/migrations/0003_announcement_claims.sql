-- Several bot processes on one database each run a sound-off clock and see the same deadline. Closing is already
-- once (a conditional update); posting the results is claimed the same way, so that one process posts them.
-- announcing_at is when a process took the posting on; a claim older than the lease (the process stopped
-- before it recorded the results message) is taken over by another.
ALTER TABLE soundoffs ADD COLUMN announcing_at REAL;
