-- Column mappings chosen in the import preview, for columns a roster names in a way Shouhu
-- does not know: the batch's own (header label -> field, '' = not imported), and the street's
-- remembered ones, so next quarter's roster from the same office imports without the step.
ALTER TABLE import_batch ADD COLUMN mapping jsonb NOT NULL DEFAULT '{}';

CREATE TABLE import_mapping (
    street_id uuid NOT NULL REFERENCES street (id),
    kind text NOT NULL CHECK (kind IN ('children', 'volunteers')),
    header text NOT NULL CHECK (length(header) BETWEEN 1 AND 200),
    field text NOT NULL CHECK (length(field) <= 40),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, kind, header),
    FOREIGN KEY (street_id, updated_by) REFERENCES app_user (street_id, id)
);
ALTER TABLE import_mapping ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_mapping FORCE ROW LEVEL SECURITY;
CREATE POLICY street_isolation ON import_mapping USING (street_id = app_street())
    WITH CHECK (street_id = app_street());
