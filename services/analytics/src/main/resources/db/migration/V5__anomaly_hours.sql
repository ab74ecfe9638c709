-- Closed hours whose revenue every selling tenant has been judged for, per stream (kind@topic): an hour is claimed
-- once, by the batch that closes it, so a shop whose sales stopped is judged too, not only the tenants of a batch.
CREATE TABLE anomaly_hours (
    scope text        NOT NULL,
    hour  timestamptz NOT NULL,
    PRIMARY KEY (scope, hour)
);
