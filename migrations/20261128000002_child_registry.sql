-- The child registry (一人一档): sensitive notes under their own consent, the masked ID number
-- for display, search by pinyin initials, and completeness as one SQL function so the list filter,
-- the 建档率 and the file page all agree.

ALTER TABLE child
    -- `110101********1234`: what the pages show, so they never need to decrypt.
    ADD COLUMN id_number_masked text NOT NULL DEFAULT '',
    -- Details shown only while the matching consent (disability, psychological) is active.
    ADD COLUMN disability_note text NOT NULL DEFAULT '',
    ADD COLUMN psychological_note text NOT NULL DEFAULT '',
    ADD COLUMN created_by uuid,
    ADD COLUMN updated_by uuid,
    ADD FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id),
    ADD FOREIGN KEY (street_id, updated_by) REFERENCES app_user (street_id, id);

CREATE INDEX child_initials_idx ON child (street_id, name_initials text_pattern_ops);
CREATE INDEX child_name_birth_idx ON child (street_id, name, birth_date);

ALTER TABLE guardian
    ADD COLUMN updated_by uuid,
    ADD FOREIGN KEY (street_id, updated_by) REFERENCES app_user (street_id, id);

-- What a file lacks, as catalog suffixes (`child.missing.<name>`); empty when complete.
-- Runs as the caller, so RLS applies to the guardian and consent look-ups.
CREATE FUNCTION child_missing(c child) RETURNS text[]
    LANGUAGE sql STABLE
    AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN c.id_number_hash IS NULL THEN 'id_number' END,
        CASE WHEN btrim(c.address) = '' THEN 'address' END,
        CASE WHEN btrim(c.school) = '' THEN 'school' END,
        CASE WHEN btrim(c.grade) = '' THEN 'grade' END,
        CASE WHEN btrim(c.parents_work_place) = '' THEN 'parents_work_place' END,
        CASE WHEN NOT EXISTS (
            SELECT 1 FROM guardian g
            WHERE g.street_id = c.street_id AND g.child_id = c.id AND NOT g.is_parent_away
        ) THEN 'guardian' END,
        CASE WHEN NOT EXISTS (
            SELECT 1 FROM guardian g
            WHERE g.street_id = c.street_id AND g.child_id = c.id AND g.relation IN ('father', 'mother')
              AND (g.phone <> '' OR g.family_phone <> '')
        ) THEN 'parent_contact' END,
        CASE WHEN NOT EXISTS (
            SELECT 1 FROM consent k
            WHERE k.street_id = c.street_id AND k.child_id = c.id AND k.scope = 'file' AND k.withdrawn_on IS NULL
        ) THEN 'consent' END
    ]::text[], NULL)
    $$;
