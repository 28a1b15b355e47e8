-- Activities, attendance and aid: what the month view, volunteer hours and aid totals read by.
CREATE INDEX attendance_volunteer_idx ON attendance (street_id, volunteer_id);
CREATE INDEX aid_activity_idx ON aid (street_id, activity_id);
-- A duty is credited to a pairing by one activity at most once.
CREATE UNIQUE INDEX duty_credit_key ON duty_credit (street_id, pairing_id, duty, activity_id);
