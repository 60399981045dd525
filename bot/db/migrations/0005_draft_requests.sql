-- Scale-out renders (issue 14): a draft requested through the job queue may run more than once (a worker killed
-- mid-job has it retried by another), so the version it makes carries the request's id (the interaction's), and
-- a second run finds that version instead of storing another. NULL for everything made in the bot's own process.
ALTER TABLE versions ADD COLUMN request_id INTEGER;
CREATE UNIQUE INDEX versions_request_id ON versions (request_id);
