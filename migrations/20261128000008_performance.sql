-- Person-times are counted per activity (the benchmarks measure it), and the only
-- indexes on attendance with activity_id first were partial (child or volunteer rows).
CREATE INDEX IF NOT EXISTS attendance_activity_idx ON attendance (street_id, activity_id);
