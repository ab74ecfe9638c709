-- How far each streaming query (query@topic) has counted: the newest event time of any batch it applied, advanced
-- in the batch's own transaction. A recompute of a day waits until the streams are past it, so that no event of the
-- day is counted by both. System metadata, like spark_commits.
CREATE TABLE stream_progress (
    query_name  text        PRIMARY KEY,
    newest_time timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
