-- Every anomaly check now claims its closed hours once per stream (anomaly_hours, V5) and judges every tenant that
-- had data that week; the per-tenant record of checked hours is no longer written.
DROP TABLE anomaly_checks;
