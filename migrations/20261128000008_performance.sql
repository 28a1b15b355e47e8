-- Found by the benchmarks (issue 10): person-times are counted per activity, and the only
-- indexes on attendance with activity_id first were partial (child or volunteer rows).
CREATE INDEX IF NOT EXISTS attendance_activity_idx ON attendance (street_id, activity_id);
