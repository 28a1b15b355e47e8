-- Audit viewer, data retention, compliance export and strong sign-in.

-- Street settings: how many full years a closed child file is kept before it is anonymised,
-- and whether staff and admins must sign in with an authenticator app.
ALTER TABLE street
    ADD COLUMN retention_years integer NOT NULL DEFAULT 2 CHECK (retention_years BETWEEN 1 AND 30),
    ADD COLUMN totp_required boolean NOT NULL DEFAULT false;

-- An anonymised file keeps its counts and dates; its personal fields are cleared and its name
-- replaced by a code.
ALTER TABLE child ADD COLUMN anonymised_at timestamptz;
CREATE INDEX child_retention_idx ON child (street_id, status, status_changed_on) WHERE anonymised_at IS NULL;

-- TOTP (RFC 6238). Secrets are AEAD ciphertexts under the data key, like ID numbers. A code is
-- accepted once: `totp_last_step` is the newest time step used.
ALTER TABLE app_user
    ADD COLUMN totp_secret_enc bytea,
    ADD COLUMN totp_pending_enc bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- Recovery codes: shown once, stored as SHA-256 (they are long random strings), each used once.
CREATE TABLE recovery_code (
    street_id uuid NOT NULL REFERENCES street (id),
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, user_id, code_hash),
    FOREIGN KEY (street_id, user_id) REFERENCES app_user (street_id, id) ON DELETE CASCADE
);
ALTER TABLE recovery_code ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_code FORCE ROW LEVEL SECURITY;
CREATE POLICY street_isolation ON recovery_code USING (street_id = app_street()) WITH CHECK (street_id = app_street());

-- A session whose password was right but whose second factor is still to come: it opens
-- nothing but the code page.
ALTER TABLE session ADD COLUMN second_factor_pending boolean NOT NULL DEFAULT false;

-- The audit viewer filters by time, user and action.
CREATE INDEX audit_event_at_idx ON audit_event (street_id, at);
CREATE INDEX audit_event_user_idx ON audit_event (street_id, user_id, at);
CREATE INDEX audit_event_action_idx ON audit_event (street_id, action, at);

-- The link that breaks the chain: the first event whose hash or previous hash does not match,
-- with what names it.
CREATE FUNCTION audit_first_broken() RETURNS TABLE (seq bigint, id uuid, at timestamptz, action text, reason text)
    LANGUAGE sql STABLE
    AS $$
    SELECT c.seq, c.id, c.at, c.action,
           CASE WHEN c.hash <> c.recomputed THEN 'content'
                WHEN c.seq <> coalesce(c.prev_seq, 0) + 1 THEN 'missing_before'
                ELSE 'previous_hash' END
    FROM (
        SELECT e.seq, e.id, e.at, e.action, e.hash, audit_hash(e) AS recomputed, e.prev_hash,
               coalesce(lag(e.hash) OVER (ORDER BY e.seq), '\x'::bytea) AS expected_prev,
               lag(e.seq) OVER (ORDER BY e.seq) AS prev_seq
        FROM audit_event e WHERE e.street_id = app_street()
    ) c
    WHERE c.hash <> c.recomputed OR c.prev_hash <> c.expected_prev
       OR c.seq <> coalesce(c.prev_seq, 0) + 1
    ORDER BY c.seq LIMIT 1
    $$;
