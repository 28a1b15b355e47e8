-- Shouhu foundation schema: every table of the domain, tenancy, row-level security, audit.
--
-- Tenancy (see shared/DESIGN.md): the street office (`street`) is the tenant. Every tenant table
-- carries `street_id NOT NULL`, its primary key is `(street_id, id)` and every foreign key to a
-- tenant table is composite, so a row can never point into another street. The same rule lets
-- the schema be distributed on Citus by `street_id`.
--
-- This migration runs as the owner role (a superuser or a BYPASSRLS role: the narrow
-- SECURITY DEFINER functions below read across tenants before the tenant is known).

-- ---------------------------------------------------------------------------------------------
-- The role requests run as. Roles are cluster-wide, so creating it must tolerate another
-- database of the same cluster (tests create many at once) having created it first.
DO $$
BEGIN
    CREATE ROLE shouhu_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The request pool logs in as the role. A role made before it could log in gets LOGIN; two
-- databases migrating at once may both try, and one's "tuple concurrently updated" is no
-- failure when the role can log in by then.
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
-- The tenant itself.
CREATE TABLE street (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- Settings a street admin changes.
    caseload_cap integer NOT NULL DEFAULT 3 CHECK (caseload_cap BETWEEN 1 AND 50),
    report_deadline_days integer NOT NULL DEFAULT 10 CHECK (report_deadline_days BETWEEN 0 AND 90),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
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
    PRIMARY KEY (street_id, id),
    CONSTRAINT session_token_key UNIQUE (street_id, token_hash),
    FOREIGN KEY (street_id, user_id) REFERENCES app_user (street_id, id) ON DELETE CASCADE
);
CREATE INDEX session_user_idx ON session (street_id, user_id);

-- ---------------------------------------------------------------------------------------------
-- The child file (一人一档).
CREATE TABLE child (
    street_id uuid NOT NULL REFERENCES street (id),
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    grid_id uuid,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
    -- Pinyin initials of the name (张小明 -> zxm) for search.
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
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, community_id) REFERENCES community (street_id, id),
    FOREIGN KEY (street_id, grid_id) REFERENCES grid (street_id, id)
);
CREATE INDEX child_community_idx ON child (street_id, community_id, status);
CREATE INDEX child_id_number_hash_idx ON child (street_id, id_number_hash);
CREATE INDEX child_name_idx ON child (street_id, name);

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
    PRIMARY KEY (street_id, id),
    FOREIGN KEY (street_id, child_id) REFERENCES child (street_id, id)
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
-- a transaction-scoped advisory lock per street serialises the chain.
CREATE FUNCTION audit_append(p_action text, p_entity text, p_entity_id uuid, p_ip text, p_detail jsonb)
    RETURNS uuid
    LANGUAGE plpgsql
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

-- ---------------------------------------------------------------------------------------------
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
-- Which migrations ran is no tenant's data; /readyz reads it on the request pool.
GRANT SELECT ON TABLE _sqlx_migrations TO shouhu_app;
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_event FROM shouhu_app;
REVOKE INSERT, DELETE, TRUNCATE ON TABLE street FROM shouhu_app;
-- Tables that later migrations create get the same data privileges.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO shouhu_app;
