-- The Shouhu schema: the tables of the domain, tenancy, row-level security, the audit log and
-- the few functions the hot paths call. `docs/schema.sql` is the same schema as pg_dump prints it
-- (`scripts/schema.sh` writes it; a test keeps the two in step).
--
-- Tenancy (see shared/DESIGN.md): the street office (`street`) is the tenant. Every tenant table
-- carries `street_id NOT NULL`, its primary key is `(street_id, id)` and every foreign key to a
-- tenant table is composite, so a row can never point into another street. The same rule lets
-- the schema be distributed on Citus by `street_id`.
--
-- This migration runs as the owner role (a superuser or a BYPASSRLS role: the narrow
-- SECURITY DEFINER function below reads across tenants before the tenant is known).

-- ---------------------------------------------------------------------------------------------
-- The role requests run as: it can log in, but is never superuser, never bypasses row-level
-- security, creates nothing and owns nothing. Roles are cluster-wide, so creating it must
-- tolerate another database of the same cluster (tests create many at once) having created it
-- first.
DO $$
BEGIN
    CREATE ROLE shouhu_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- A role made without LOGIN gets it. Only when it lacks it: two databases migrating at once
-- would otherwise update the same role row, and the second fails ("tuple concurrently
-- updated"); that failure is harmless when the other one has turned LOGIN on.
DO $$
BEGIN
    IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'shouhu_app') THEN
        ALTER ROLE shouhu_app LOGIN;
    END IF;
EXCEPTION WHEN OTHERS THEN
    IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'shouhu_app') THEN
        RAISE;
    END IF;
END
$$;

-- The owner connection switches to shouhu_app with SET LOCAL ROLE at the start of every request
-- transaction; a non-superuser owner must be a member of the role to do that.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT shouhu_app TO %I', current_user);
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The current tenant. STABLE SQL so the planner inlines it and uses the street_id indexes;
-- NULL when no tenant is set, so every policy then matches nothing.
CREATE FUNCTION app_street() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.street_id', true), '')::uuid $$;

CREATE FUNCTION app_user() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

-- ---------------------------------------------------------------------------------------------
-- Closed lists.
CREATE TYPE user_role AS ENUM ('street_admin', 'community_staff', 'volunteer');
CREATE TYPE gender AS ENUM ('male', 'female');
CREATE TYPE left_behind_kind AS ENUM ('both_parents_away', 'father_away', 'mother_away');
CREATE TYPE care_situation AS ENUM ('grandparents', 'relatives', 'self_care', 'no_guardian');
CREATE TYPE risk_level AS ENUM ('low', 'medium', 'high');
CREATE TYPE child_status AS ENUM ('active', 'parents_returned', 'aged_out', 'moved_away', 'other');
CREATE TYPE guardian_relation AS ENUM (
    'father', 'mother', 'paternal_grandfather', 'paternal_grandmother',
    'maternal_grandfather', 'maternal_grandmother', 'uncle', 'aunt', 'sibling',
    'other_relative', 'other');
CREATE TYPE consent_scope AS ENUM ('file', 'health', 'disability', 'psychological');
CREATE TYPE consent_method AS ENUM ('written', 'electronic', 'verbal_witnessed');
CREATE TYPE volunteer_kind AS ENUM (
    'caring_mother', 'proxy_parent', 'teacher', 'party_member', 'retired_cadre', 'student',
    'youth_volunteer');
CREATE TYPE volunteer_status AS ENUM ('active', 'paused', 'left');
CREATE TYPE visit_kind AS ENUM (
    'home_visit', 'talk', 'teacher_contact', 'guardian_contact', 'letter', 'parent_call',
    'tutoring', 'aid_delivery');
CREATE TYPE duty AS ENUM ('home_visit', 'talk', 'teacher_contact', 'guardian_contact', 'letter');
CREATE TYPE follow_up_status AS ENUM ('open', 'done');
CREATE TYPE activity_kind AS ENUM (
    'launch_ceremony', 'forum', 'themed_day', 'legal_safety_lecture', 'counselling',
    'tutoring_class', 'festival_event', 'family_letter_day', 'parent_child_event',
    'summer_training', 'condolence_visit', 'other');
CREATE TYPE activity_status AS ENUM ('planned', 'held', 'cancelled');
CREATE TYPE aid_kind AS ENUM ('tuition', 'school_supplies', 'goods', 'cash', 'other');
CREATE TYPE report_status AS ENUM ('draft', 'submitted', 'returned', 'approved');
CREATE TYPE token_access AS ENUM ('read', 'read_write');

-- ---------------------------------------------------------------------------------------------
-- The tenant itself, and the settings a street admin changes.
CREATE TABLE street (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    caseload_cap integer NOT NULL DEFAULT 3 CHECK (caseload_cap BETWEEN 1 AND 50),
    report_deadline_days integer NOT NULL DEFAULT 10 CHECK (report_deadline_days BETWEEN 0 AND 90),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- The weights of the annual evaluation.
    evaluation_weights jsonb NOT NULL DEFAULT
        '{"completeness": 20, "pairing_coverage": 20, "duty_completion": 25, "talk_coverage": 15, "verification": 10, "on_time": 10}',
    -- How many full years a closed child file is kept before it is anonymised.
    retention_years integer NOT NULL DEFAULT 2 CHECK (retention_years BETWEEN 1 AND 30),
    -- Whether staff and admins must sign in with an authenticator app.
    totp_required boolean NOT NULL DEFAULT false
);

CREATE TABLE community (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    address text NOT NULL DEFAULT '',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    CONSTRAINT community_name_key UNIQUE (street_id, name)
);

CREATE TABLE grid (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    CONSTRAINT grid_name_key UNIQUE (street_id, community_id, name),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- Volunteers and their teams.
CREATE TABLE team (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    -- NULL: a team of the whole street.
    community_id uuid,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    CONSTRAINT team_name_key UNIQUE (street_id, name),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id)
);
CREATE INDEX team_community_idx ON team (street_id, community_id);

CREATE TABLE volunteer (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    team_id uuid,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
    phone text NOT NULL DEFAULT '',
    kind volunteer_kind NOT NULL,
    skills text NOT NULL DEFAULT '',
    status volunteer_status NOT NULL DEFAULT 'active',
    -- Safeguarding checklist, checked before a volunteer is paired.
    record_check_seen_on date,
    training_done_on date,
    conduct_accepted_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, team_id) REFERENCES team (street_id, id)
);
CREATE INDEX volunteer_community_idx ON volunteer (street_id, community_id);

-- ---------------------------------------------------------------------------------------------
-- Accounts, sessions and strong sign-in.
CREATE TABLE app_user (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    -- An email or a mainland mobile number, stored lower-case.
    login text NOT NULL CHECK (login = lower(login) AND length(login) BETWEEN 3 AND 254),
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 50),
    role user_role NOT NULL,
    community_id uuid,
    volunteer_id uuid,
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT true,
    disabled_at timestamptz,
    locale text CHECK (locale IN ('zh', 'en')),
    -- Login throttling: consecutive failures (growing delay) and failures in the current hour.
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    fail_window_start timestamptz,
    fail_window_count integer NOT NULL DEFAULT 0,
    last_login_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- TOTP (RFC 6238). Secrets are AEAD ciphertexts under the data key, like ID numbers. A code
    -- is accepted once: `totp_last_step` is the newest time step used.
    totp_secret_enc bytea,
    totp_pending_enc bytea,
    totp_enabled_at timestamptz,
    totp_last_step bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, volunteer_id) REFERENCES volunteer (street_id, id),
    CONSTRAINT app_user_staff_community CHECK (role <> 'community_staff' OR community_id IS NOT NULL),
    CONSTRAINT app_user_admin_no_community CHECK (role <> 'street_admin' OR community_id IS NULL),
    CONSTRAINT app_user_volunteer_record CHECK ((role = 'volunteer') = (volunteer_id IS NOT NULL))
);
-- The one index not led by street_id: a login is unique across the installation because it is
-- looked up before the tenant is known (DESIGN.md). On Citus this lookup moves to a reference
-- table; here a plain unique index is the simplest correct thing.
CREATE UNIQUE INDEX app_user_login_key ON app_user (login);
CREATE UNIQUE INDEX app_user_volunteer_key ON app_user (street_id, volunteer_id)
    WHERE volunteer_id IS NOT NULL;
CREATE INDEX app_user_community_idx ON app_user (street_id, community_id);

-- Server-side sessions. The cookie carries the street id and a random secret; only the secret's
-- SHA-256 is stored, so a database leak does not hand out live sessions.
CREATE TABLE session (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    -- The password was right but the second factor is still to come: the session opens nothing
    -- but the code page.
    second_factor_pending boolean NOT NULL DEFAULT false,
    PRIMARY KEY (street_id, id),
    CONSTRAINT session_token_key UNIQUE (street_id, token_hash),
    FOREIGN KEY (street_id, user_id) REFERENCES app_user (street_id, id) ON DELETE CASCADE
);
CREATE INDEX session_user_idx ON session (street_id, user_id);

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

-- Personal access tokens for integrations (the JSON API). The secret is stored hashed.
CREATE TABLE api_token (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    token_hash bytea NOT NULL,
    access token_access NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    PRIMARY KEY (street_id, id),
    CONSTRAINT api_token_hash_key UNIQUE (street_id, token_hash),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- The child file (一人一档).
CREATE TABLE child (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    grid_id uuid,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
    -- What the name is searched by: pinyin initials, `|`, full pinyin (张小明 -> zxm|zhangxiaoming).
    name_initials text NOT NULL DEFAULT '',
    gender gender NOT NULL,
    birth_date date NOT NULL,
    -- 身份证号: AEAD ciphertext (key outside the database) and a keyed hash for duplicates.
    id_number_enc bytea,
    id_number_hash bytea,
    address text NOT NULL DEFAULT '',
    school text NOT NULL DEFAULT '',
    grade text NOT NULL DEFAULT '',
    class_name text NOT NULL DEFAULT '',
    class_teacher text NOT NULL DEFAULT '',
    class_teacher_phone text NOT NULL DEFAULT '',
    left_behind left_behind_kind NOT NULL,
    parents_work_place text NOT NULL DEFAULT '',
    parents_return_frequency text NOT NULL DEFAULT '',
    care_situation care_situation NOT NULL,
    disability boolean NOT NULL DEFAULT false,
    subsistence_allowance boolean NOT NULL DEFAULT false,
    poverty boolean NOT NULL DEFAULT false,
    health_condition text NOT NULL DEFAULT '',
    psychological_concern boolean NOT NULL DEFAULT false,
    risk_level risk_level NOT NULL DEFAULT 'low',
    status child_status NOT NULL DEFAULT 'active',
    status_changed_on date,
    status_reason text NOT NULL DEFAULT '',
    verified_on date,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- `110101********1234`: what the pages show, so they never need to decrypt.
    id_number_masked text NOT NULL DEFAULT '',
    -- Details shown only while the matching consent (disability, psychological) is active.
    disability_note text NOT NULL DEFAULT '',
    psychological_note text NOT NULL DEFAULT '',
    created_by uuid,
    updated_by uuid,
    -- An anonymised file keeps its counts and dates; its personal fields are cleared and its
    -- name replaced by a code.
    anonymised_at timestamptz,
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, grid_id) REFERENCES grid (street_id, id),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id),
    FOREIGN KEY (street_id, updated_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX child_community_idx ON child (street_id, community_id, status);
CREATE INDEX child_id_number_hash_idx ON child (street_id, id_number_hash);
-- Search by name (and duplicates by name and birth date), and by pinyin prefix.
CREATE INDEX child_name_birth_idx ON child (street_id, name, birth_date);
CREATE INDEX child_initials_idx ON child (street_id, name_initials text_pattern_ops);
-- The child list as it opens: each community's children of a status in name order.
CREATE INDEX child_community_name_idx ON child (street_id, community_id, status, name, id);
-- Closed files not yet anonymised, by when they closed.
CREATE INDEX child_retention_idx ON child (street_id, status, status_changed_on) WHERE anonymised_at IS NULL;

-- Status history (parents returned, aged out, moved away, transfers between communities).
CREATE TABLE child_status_change (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    from_status child_status,
    to_status child_status NOT NULL,
    from_community_id uuid,
    to_community_id uuid,
    changed_on date NOT NULL,
    reason text NOT NULL DEFAULT '',
    changed_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, from_community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, to_community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, changed_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX child_status_change_child_idx ON child_status_change (street_id, child_id);

-- Guardians and parents (parents away carry the work place and the family phone 亲情电话).
CREATE TABLE guardian (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
    relation guardian_relation NOT NULL,
    phone text NOT NULL DEFAULT '',
    address text NOT NULL DEFAULT '',
    is_parent_away boolean NOT NULL DEFAULT false,
    work_place text NOT NULL DEFAULT '',
    family_phone text NOT NULL DEFAULT '',
    return_frequency text NOT NULL DEFAULT '',
    is_entrusted boolean NOT NULL DEFAULT false,
    agreement_signed_on date,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid,
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, updated_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX guardian_child_idx ON guardian (street_id, child_id);

CREATE TABLE consent (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    scope consent_scope NOT NULL,
    given_by text NOT NULL CHECK (length(btrim(given_by)) BETWEEN 1 AND 50),
    relation guardian_relation NOT NULL,
    given_on date NOT NULL,
    method consent_method NOT NULL,
    notice_version text NOT NULL,
    withdrawn_on date,
    withdrawn_reason text NOT NULL DEFAULT '',
    recorded_by uuid,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, recorded_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX consent_child_idx ON consent (street_id, child_id, scope);

-- What a file lacks. The rules live in one view and one function, so that the list filter, the
-- 建档率, the community and report figures and the file page all agree: child_file_fact holds the
-- three facts kept in other tables, per child (no row: none of them), set-based so that a query
-- over a whole street reads guardians and consents once; child_gaps() turns a child and its facts
-- into the missing items. child_file_facts() is the view for one child. All of it is SQL that
-- Postgres inlines into the calling query, and all of it runs as the caller (security_invoker),
-- so RLS applies to the guardian and consent rows.
CREATE VIEW child_file_fact WITH (security_invoker = true) AS
SELECT street_id, child_id,
       bool_or(carer) AS has_carer,
       bool_or(parent_contact) AS has_parent_contact,
       bool_or(file_consent) AS has_consent
  FROM (SELECT g.street_id, g.child_id, NOT g.is_parent_away AS carer,
               g.relation IN ('father', 'mother') AND (g.phone <> '' OR g.family_phone <> '') AS parent_contact,
               false AS file_consent
          FROM guardian g
        UNION ALL
        SELECT k.street_id, k.child_id, false, false, true
          FROM consent k
         WHERE k.scope = 'file' AND k.withdrawn_on IS NULL) facts
 GROUP BY street_id, child_id;

CREATE FUNCTION child_file_facts(p_street uuid, p_child uuid)
    RETURNS TABLE (has_carer boolean, has_parent_contact boolean, has_consent boolean)
    LANGUAGE sql STABLE ROWS 1
    AS $$
    SELECT bool_or(f.has_carer), bool_or(f.has_parent_contact), bool_or(f.has_consent)
      FROM child_file_fact f
     WHERE f.street_id = p_street AND f.child_id = p_child
    $$;

-- What a file lacks, as catalog suffixes (`child.missing.<name>`); empty when complete. A fact
-- that is NULL (the child has no row in child_file_fact) is missing.
CREATE FUNCTION child_gaps(c child, has_carer boolean, has_parent_contact boolean, has_consent boolean)
    RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN c.id_number_hash IS NULL THEN 'id_number' END,
        CASE WHEN btrim(c.address) = '' THEN 'address' END,
        CASE WHEN btrim(c.school) = '' THEN 'school' END,
        CASE WHEN btrim(c.grade) = '' THEN 'grade' END,
        CASE WHEN btrim(c.parents_work_place) = '' THEN 'parents_work_place' END,
        CASE WHEN has_carer IS NOT TRUE THEN 'guardian' END,
        CASE WHEN has_parent_contact IS NOT TRUE THEN 'parent_contact' END,
        CASE WHEN has_consent IS NOT TRUE THEN 'consent' END
    ]::text[], NULL)
    $$;

-- What one file lacks. PL/pgSQL, so its plan is kept for the connection: a plan for one child
-- is the same in every street, so it is made once and reused instead of being parsed and
-- planned in every query that calls it.
CREATE FUNCTION child_missing(c child) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
            FROM child_file_facts(c.street_id, c.id) f);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- One-to-one pairings (结对帮扶) and what volunteers and staff log.
CREATE TABLE pairing (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    volunteer_id uuid NOT NULL,
    child_id uuid NOT NULL,
    started_on date NOT NULL,
    card_signed_on date,
    goals text NOT NULL DEFAULT '',
    ended_on date,
    end_reason text NOT NULL DEFAULT '',
    -- Set when a street admin pairs a volunteer whose safeguarding checklist is incomplete.
    override_reason text NOT NULL DEFAULT '',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, volunteer_id) REFERENCES volunteer (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
-- One-to-one: a child has at most one active pairing.
CREATE UNIQUE INDEX pairing_active_child_key ON pairing (street_id, child_id) WHERE ended_on IS NULL;
CREATE INDEX pairing_volunteer_idx ON pairing (street_id, volunteer_id);
CREATE INDEX pairing_community_idx ON pairing (street_id, community_id);

CREATE TABLE visit (
    street_id uuid NOT NULL REFERENCES street (id),
    -- Made by the client (a phone offline may make it), accepted once: the primary key is the
    -- idempotency key.
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    pairing_id uuid,
    author_id uuid NOT NULL,
    -- Several visits logged at once for siblings share a batch id.
    batch_id uuid,
    kind visit_kind NOT NULL,
    visited_on date NOT NULL,
    duration_minutes integer NOT NULL DEFAULT 0 CHECK (duration_minutes BETWEEN 0 AND 1440),
    study_score smallint CHECK (study_score BETWEEN 1 AND 5),
    life_score smallint CHECK (life_score BETWEEN 1 AND 5),
    health_score smallint CHECK (health_score BETWEEN 1 AND 5),
    mood_score smallint CHECK (mood_score BETWEEN 1 AND 5),
    notes text NOT NULL DEFAULT '',
    needs text NOT NULL DEFAULT '',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, pairing_id) REFERENCES pairing (street_id, id),
    FOREIGN KEY (street_id, author_id) REFERENCES app_user (street_id, id)
);
CREATE INDEX visit_child_idx ON visit (street_id, child_id, visited_on);
CREATE INDEX visit_pairing_idx ON visit (street_id, pairing_id, visited_on);
CREATE INDEX visit_date_idx ON visit (street_id, visited_on);
-- A volunteer's own visits and hours.
CREATE INDEX visit_author_idx ON visit (street_id, author_id, visited_on);

CREATE TABLE visit_comment (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    visit_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, visit_id) REFERENCES visit (street_id, id),
    FOREIGN KEY (street_id, author_id) REFERENCES app_user (street_id, id)
);
CREATE INDEX visit_comment_visit_idx ON visit_comment (street_id, visit_id);

CREATE TABLE follow_up (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    visit_id uuid,
    description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 1000),
    due_on date NOT NULL,
    assignee_id uuid,
    status follow_up_status NOT NULL DEFAULT 'open',
    created_by uuid NOT NULL,
    closed_at timestamptz,
    closed_by uuid,
    closing_note text NOT NULL DEFAULT '',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, visit_id) REFERENCES visit (street_id, id),
    FOREIGN KEY (street_id, assignee_id) REFERENCES app_user (street_id, id),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id),
    FOREIGN KEY (street_id, closed_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX follow_up_open_idx ON follow_up (street_id, status, due_on);
CREATE INDEX follow_up_child_idx ON follow_up (street_id, child_id);
CREATE INDEX follow_up_assignee_idx ON follow_up (street_id, assignee_id, status);

-- ---------------------------------------------------------------------------------------------
-- Activities, attendance, aid.
CREATE TABLE activity (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    -- NULL: organised by the street office for all its communities.
    community_id uuid,
    kind activity_kind NOT NULL,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 100),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    place text NOT NULL DEFAULT '',
    capacity integer CHECK (capacity > 0),
    for_children boolean NOT NULL DEFAULT true,
    for_guardians boolean NOT NULL DEFAULT false,
    for_volunteers boolean NOT NULL DEFAULT false,
    description text NOT NULL DEFAULT '',
    summary text NOT NULL DEFAULT '',
    status activity_status NOT NULL DEFAULT 'planned',
    created_by uuid NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id),
    CHECK (ends_at >= starts_at)
);
CREATE INDEX activity_time_idx ON activity (street_id, starts_at);
CREATE INDEX activity_community_idx ON activity (street_id, community_id, starts_at);

CREATE TABLE attendance (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    child_id uuid,
    volunteer_id uuid,
    recorded_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, activity_id) REFERENCES activity (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, volunteer_id) REFERENCES volunteer (street_id, id),
    FOREIGN KEY (street_id, recorded_by) REFERENCES app_user (street_id, id),
    -- Each row is one person-time (人次): a child or a volunteer, never both.
    CHECK ((child_id IS NULL) <> (volunteer_id IS NULL))
);
CREATE UNIQUE INDEX attendance_child_key ON attendance (street_id, activity_id, child_id)
    WHERE child_id IS NOT NULL;
CREATE UNIQUE INDEX attendance_volunteer_key ON attendance (street_id, activity_id, volunteer_id)
    WHERE volunteer_id IS NOT NULL;
CREATE INDEX attendance_child_idx ON attendance (street_id, child_id);
CREATE INDEX attendance_volunteer_idx ON attendance (street_id, volunteer_id);
-- Person-times counted per activity, children and volunteers together.
CREATE INDEX attendance_activity_idx ON attendance (street_id, activity_id);

CREATE TABLE activity_photo (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    byte_size integer NOT NULL,
    uploaded_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, activity_id) REFERENCES activity (street_id, id),
    FOREIGN KEY (street_id, uploaded_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX activity_photo_activity_idx ON activity_photo (street_id, activity_id);

-- An activity credited to one of a pairing's five duties for a semester.
CREATE TABLE duty_credit (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    pairing_id uuid NOT NULL,
    duty duty NOT NULL,
    activity_id uuid NOT NULL,
    credited_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, pairing_id) REFERENCES pairing (street_id, id),
    FOREIGN KEY (street_id, activity_id) REFERENCES activity (street_id, id),
    FOREIGN KEY (street_id, credited_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX duty_credit_pairing_idx ON duty_credit (street_id, pairing_id);
-- A duty is credited to a pairing by one activity at most once.
CREATE UNIQUE INDEX duty_credit_key ON duty_credit (street_id, pairing_id, duty, activity_id);

CREATE TABLE aid (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    activity_id uuid,
    kind aid_kind NOT NULL,
    given_on date NOT NULL,
    -- Money in fen, never floats.
    amount_fen bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    donor text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    recorded_by uuid NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id),
    FOREIGN KEY (street_id, activity_id) REFERENCES activity (street_id, id),
    FOREIGN KEY (street_id, recorded_by) REFERENCES app_user (street_id, id)
);
CREATE INDEX aid_child_idx ON aid (street_id, child_id);
CREATE INDEX aid_date_idx ON aid (street_id, given_on);
CREATE INDEX aid_activity_idx ON aid (street_id, activity_id);

-- ---------------------------------------------------------------------------------------------
-- Quarterly reports.
CREATE TABLE report (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    quarter smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    status report_status NOT NULL DEFAULT 'draft',
    work_done text NOT NULL DEFAULT '',
    problems text NOT NULL DEFAULT '',
    next_steps text NOT NULL DEFAULT '',
    -- The frozen figures of an approved report; NULL while it is computed live.
    snapshot jsonb,
    submitted_at timestamptz,
    approved_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    CONSTRAINT report_quarter_key UNIQUE (street_id, community_id, year, quarter),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id)
);
-- The street view reads every community's report of a quarter.
CREATE INDEX report_period_idx ON report (street_id, year, quarter);

CREATE TABLE report_transition (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    report_id uuid NOT NULL,
    from_status report_status NOT NULL,
    to_status report_status NOT NULL,
    comment text NOT NULL DEFAULT '',
    by_user uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, report_id) REFERENCES report (street_id, id),
    FOREIGN KEY (street_id, by_user) REFERENCES app_user (street_id, id)
);
CREATE INDEX report_transition_report_idx ON report_transition (street_id, report_id);

-- ---------------------------------------------------------------------------------------------
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
    -- Column mappings chosen in the preview for headers Shouhu does not know
    -- (header label -> field, '' = not imported).
    mapping jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, created_by) REFERENCES app_user (street_id, id)
);

-- The street's remembered column mappings, so next quarter's roster from the same office
-- imports without the mapping step.
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

-- ---------------------------------------------------------------------------------------------
-- The audit log: append-only for the app role, hash-chained per street. It never holds ID
-- numbers or phone numbers; `detail` carries field names and reasons, not values.
CREATE TABLE audit_event (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    seq bigint NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id uuid,
    action text NOT NULL,
    entity text NOT NULL DEFAULT '',
    entity_id uuid,
    ip text NOT NULL DEFAULT '',
    detail jsonb NOT NULL DEFAULT '{}',
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (street_id, id),
    CONSTRAINT audit_event_seq_key UNIQUE (street_id, seq)
);
CREATE INDEX audit_event_entity_idx ON audit_event (street_id, entity_id);
-- A child file's history of changes, without its views: a much-viewed file has thousands of
-- `child_viewed` events, which the history must not read through.
CREATE INDEX audit_event_entity_changes_idx ON audit_event (street_id, entity_id, seq)
    WHERE action NOT IN ('child_viewed', 'child_printed', 'id_number_revealed', 'access_denied');
-- The audit viewer filters by time, user and action.
CREATE INDEX audit_event_at_idx ON audit_event (street_id, at);
CREATE INDEX audit_event_user_idx ON audit_event (street_id, user_id, at);
CREATE INDEX audit_event_action_idx ON audit_event (street_id, action, at);

-- The hash of one audit row over its content and the previous row's hash.
CREATE FUNCTION audit_hash(e audit_event) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT sha256(convert_to(concat_ws('|',
        e.street_id::text, e.seq::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(e.user_id::text, ''), e.action, e.entity, coalesce(e.entity_id::text, ''),
        e.ip, e.detail::text, encode(e.prev_hash, 'hex')), 'UTF8'))
    $$;

-- The one way events are written. Runs as the caller (the app role), in the current tenant;
-- a transaction-scoped advisory lock per street serialises the chain. It runs on every audited
-- request and each statement is narrowed to the street's last event, so a plan reused across
-- calls is as good as a fresh one (`plan_cache_mode = auto`, against the connections'
-- `force_custom_plan`).
CREATE FUNCTION audit_append(p_action text, p_entity text, p_entity_id uuid, p_ip text, p_detail jsonb)
    RETURNS uuid
    LANGUAGE plpgsql
    SET plan_cache_mode = auto
    AS $$
DECLARE
    v_street uuid := app_street();
    v_prev audit_event;
    v_row audit_event;
BEGIN
    IF v_street IS NULL THEN
        RAISE EXCEPTION 'audit_append: no tenant set';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || v_street::text, 0));
    SELECT * INTO v_prev FROM audit_event WHERE street_id = v_street ORDER BY seq DESC LIMIT 1;
    v_row.street_id := v_street;
    v_row.id := gen_random_uuid();
    v_row.seq := coalesce(v_prev.seq, 0) + 1;
    v_row.at := clock_timestamp();
    v_row.user_id := app_user();
    v_row.action := p_action;
    v_row.entity := coalesce(p_entity, '');
    v_row.entity_id := p_entity_id;
    v_row.ip := coalesce(p_ip, '');
    v_row.detail := coalesce(p_detail, '{}'::jsonb);
    v_row.prev_hash := coalesce(v_prev.hash, '\x'::bytea);
    v_row.hash := audit_hash(v_row);
    INSERT INTO audit_event VALUES (v_row.*);
    RETURN v_row.id;
END
$$;

-- The first sequence number whose hash does not verify, or NULL when the chain is intact.
CREATE FUNCTION audit_verify() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT min(seq) FROM (
        SELECT e.seq, e.hash, audit_hash(e) AS recomputed, e.prev_hash,
               coalesce(lag(e.hash) OVER (ORDER BY e.seq), '\x'::bytea) AS expected_prev
        FROM audit_event e WHERE e.street_id = app_street()
    ) c WHERE c.hash <> c.recomputed OR c.prev_hash <> c.expected_prev
    $$;

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

-- ---------------------------------------------------------------------------------------------
-- Signing in and the session behind a request.

-- Login happens before the tenant is known: this narrow SECURITY DEFINER function is the only
-- cross-tenant read, and returns just what the login check needs for one login.
CREATE FUNCTION auth_user_by_login(p_login text)
    RETURNS TABLE (street_id uuid, user_id uuid, password_hash text, disabled boolean,
                   locked_until timestamptz, fail_window_start timestamptz, fail_window_count integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT u.street_id, u.id, u.password_hash, u.disabled_at IS NOT NULL, u.locked_until,
           u.fail_window_start, u.fail_window_count
    FROM app_user u WHERE u.login = lower(btrim(p_login))
    $$;
REVOKE ALL ON FUNCTION auth_user_by_login(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_user_by_login(text) TO shouhu_app;

-- The session behind a request cookie in one round trip (it runs on every request): it ends a
-- session that has timed out and touches one in use, in the same call.
--
-- SECURITY INVOKER: it drops to the app role and sets the street for the rest of its statement
-- exactly as db::begin does, so row-level security applies as in any request; a forged street
-- id finds no hash. Its statements are keyed by unique indexes, so a generic plan is right for
-- every tenant, and the function allows one (`plan_cache_mode = auto`, against the connections'
-- `force_custom_plan`).
CREATE FUNCTION session_lookup(p_street uuid, p_hash bytea, p_idle_seconds double precision,
                               p_absolute_seconds double precision, p_touch_seconds double precision)
    RETURNS TABLE (id uuid, user_id uuid, csrf_token text, role user_role, community_id uuid,
                   volunteer_id uuid, display_name text, login text, locale text,
                   must_change_password boolean, must_enrol_totp boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = auto
    AS $$
DECLARE
    r record;
BEGIN
    PERFORM set_config('role', 'shouhu_app', true), set_config('app.street_id', p_street::text, true),
            set_config('app.user_id', '', true);
    SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.role, u.community_id,
           u.volunteer_id, u.display_name, u.login, u.locale, u.must_change_password, u.disabled_at,
           st.totp_required AND u.role <> 'volunteer' AND u.totp_enabled_at IS NULL AS must_enrol_totp
      INTO r
      FROM session s
      JOIN app_user u ON u.street_id = s.street_id AND u.id = s.user_id
      JOIN street st ON st.id = s.street_id
     WHERE s.street_id = p_street AND s.token_hash = p_hash AND NOT s.second_factor_pending;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF r.disabled_at IS NOT NULL
       OR now() - r.last_seen_at > p_idle_seconds * interval '1 second'
       OR now() - r.created_at > p_absolute_seconds * interval '1 second' THEN
        DELETE FROM session s WHERE s.street_id = p_street AND s.id = r.id;
        RETURN;
    END IF;
    IF now() - r.last_seen_at > p_touch_seconds * interval '1 second' THEN
        UPDATE session s SET last_seen_at = now() WHERE s.street_id = p_street AND s.id = r.id;
    END IF;
    RETURN QUERY SELECT r.id, r.user_id, r.csrf_token, r.role, r.community_id, r.volunteer_id,
                        r.display_name, r.login, r.locale, r.must_change_password, r.must_enrol_totp;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The child list, with plans kept for the connection (`force_generic_plan`). Each statement
-- inside is narrowed so that its one sensible plan is the same in every street; planned afresh
-- on every request (connections force custom plans, see db.rs), the list's statements were a
-- large share of the database's time on the most opened staff page. Row-level security applies
-- as in any query of the caller (SECURITY INVOKER).

-- What each child on a page of the list lacks, and whether the child is paired, for the page's
-- children only: a lookup of given children by key has the same plan in every street.
CREATE FUNCTION child_list_facts(p_street uuid, p_ids uuid[])
    RETURNS TABLE (id uuid, missing text[], paired boolean)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT c.id,
           (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
            FROM child_file_facts(c.street_id, c.id) f),
           EXISTS (SELECT 1 FROM pairing p
                   WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL)
      FROM child c
     WHERE c.street_id = p_street AND c.id = ANY (p_ids);
END
$$;

-- The list as it opens (every child of a status in the street, or in a staff member's
-- community; no other filter): page, count and facts in one call. A generic plan of that as one
-- statement is not safe: fitted to the average street, it joins every community to its children
-- and sorts them all, 5,000 in the large demo street. Here: the count by the street's index, the
-- communities in name order, each community's children in name order from
-- child_community_name_idx (a page takes one or two communities; a later page skips whole
-- communities by their counts), then the chosen children by key with what their files lack.
-- Other filters keep their own statements (children::db::list).
CREATE FUNCTION child_list_page(p_street uuid, p_community uuid, p_status child_status,
                                p_limit bigint, p_offset bigint)
    RETURNS TABLE (id uuid, name text, gender gender, birth_date date, community_name text, grid_id uuid,
                   school text, grade text, status child_status, risk_level risk_level, verified_on date,
                   missing text[], paired boolean, total bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_total bigint;
    v_skip bigint := greatest(p_offset, 0);
    v_want bigint := greatest(p_limit, 0);
    v_ids uuid[] := '{}';
    v_names text[] := '{}';
    v_some uuid[];
    v_n bigint;
    v_community record;
BEGIN
    IF p_community IS NULL THEN
        SELECT count(*) INTO v_total FROM child c WHERE c.street_id = p_street AND c.status = p_status;
    ELSE
        SELECT count(*) INTO v_total FROM child c
         WHERE c.street_id = p_street AND c.community_id = p_community AND c.status = p_status;
    END IF;
    FOR v_community IN SELECT x.id, x.name FROM community x
              WHERE x.street_id = p_street AND x.id = coalesce(p_community, x.id)
              ORDER BY x.name, x.id LOOP
        EXIT WHEN v_want = 0 OR v_skip >= v_total;
        IF v_skip > 0 THEN
            SELECT count(*) INTO v_n FROM child c
             WHERE c.street_id = p_street AND c.community_id = v_community.id AND c.status = p_status;
            IF v_n <= v_skip THEN
                v_skip := v_skip - v_n;
                CONTINUE;
            END IF;
        END IF;
        v_some := ARRAY(SELECT c.id FROM child c
                         WHERE c.street_id = p_street AND c.community_id = v_community.id AND c.status = p_status
                         ORDER BY c.name, c.id LIMIT v_want OFFSET v_skip);
        v_ids := v_ids || v_some;
        v_names := v_names || array_fill(v_community.name, ARRAY[cardinality(v_some)]);
        v_want := v_want - cardinality(v_some);
        v_skip := 0;
    END LOOP;
    RETURN QUERY
    SELECT c.id, c.name, c.gender, c.birth_date, v_names[array_position(v_ids, c.id)], c.grid_id, c.school,
           c.grade, c.status, c.risk_level, c.verified_on,
           (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
              FROM child_file_facts(c.street_id, c.id) f),
           EXISTS (SELECT 1 FROM pairing p
                    WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL),
           v_total
      FROM child c
     WHERE c.street_id = p_street AND c.id = ANY (v_ids)
     ORDER BY array_position(v_ids, c.id);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Row-level security on every table with a street_id: one policy, no OR (DESIGN.md).
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'street_id'
          AND tb.table_type = 'BASE TABLE'
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY street_isolation ON %I USING (street_id = app_street()) '
                       'WITH CHECK (street_id = app_street())', t);
    END LOOP;
END
$$;
ALTER TABLE street ENABLE ROW LEVEL SECURITY;
ALTER TABLE street FORCE ROW LEVEL SECURITY;
CREATE POLICY street_isolation ON street USING (id = app_street()) WITH CHECK (id = app_street());

-- ---------------------------------------------------------------------------------------------
-- Privileges of the app role: data only, no DDL, and the audit log append-only.
GRANT USAGE ON SCHEMA public TO shouhu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO shouhu_app;
REVOKE ALL ON TABLE _sqlx_migrations FROM shouhu_app;
-- Which migrations ran, for /readyz on the request pool, which may not read the table itself.
CREATE FUNCTION applied_migrations() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT version FROM _sqlx_migrations WHERE success $$;
REVOKE ALL ON FUNCTION applied_migrations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION applied_migrations() TO shouhu_app;
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_event FROM shouhu_app;
REVOKE INSERT, DELETE, TRUNCATE ON TABLE street FROM shouhu_app;
-- Tables that later migrations create get the same data privileges.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO shouhu_app;
