-- Reports: the weights of the annual evaluation (set by the street admin), and the index the
-- street view reads reports by.
ALTER TABLE street ADD COLUMN evaluation_weights jsonb NOT NULL DEFAULT
    '{"completeness": 20, "pairing_coverage": 20, "duty_completion": 25, "talk_coverage": 15, "verification": 10, "on_time": 10}';
CREATE INDEX report_period_idx ON report (street_id, year, quarter);
