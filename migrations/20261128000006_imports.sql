-- Spreadsheet imports: an uploaded file waits here, unapplied, while the user reviews the
-- preview; confirming re-reads it and writes every row in one transaction, or none.
CREATE TABLE import_batch (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('children', 'volunteers')),
    file_name text NOT NULL,
    content bytea NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id)
);
ALTER TABLE import_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_batch FORCE ROW LEVEL SECURITY;
CREATE POLICY street_isolation ON import_batch USING (street_id = app_street()) WITH CHECK (street_id = app_street());
